// The log-in path's statements, run on the driver beneath Prisma
// (driver-statements.ts). Why not Prisma: during a log-in storm the event
// loop shares the cores with argon2, and Prisma's query pipeline cost more
// CPU than the statements themselves (measured: the event loop spent 4.3 ms
// per log-in through Prisma, 2.8 ms this way; see docs/BENCHMARKS.md).
// Everything else goes through Prisma.
import type { Db } from "./client";
import { DriverStatement, dateParameter, type Write, writeTogether } from "./driver-statements";

export type LoginRow = { userId: string; passwordHash: string; verified: boolean; secondFactor: boolean };

/** How sure a session is of its user (aal1: one factor, aal2: two) and how it was reached. */
export type Assurance = { aal: "aal1" | "aal2"; method: SessionMethod };
export type SessionMethod = "password" | "totp" | "recovery" | "passkey" | "link";

/** The columns of a new "Session" row, in the order of `sessionColumns`. */
export type NewSessionRow = {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date;
  ip: string | null;
  userAgent: string | null;
  aal: Assurance["aal"];
  method: SessionMethod;
  authenticatedAt: Date;
};

export const sessionColumns = [
  "id",
  "tokenHash",
  "userId",
  "createdAt",
  "expiresAt",
  "lastUsedAt",
  "ip",
  "userAgent",
  "aal",
  "method",
  "authenticatedAt",
] as const;
export const sessionColumnList = sessionColumns.map((c) => `"${c}"`).join(", ");

const READ_LOGIN = new DriverStatement(
  "login-read-2",
  `SELECT l."userId", l."passwordHash", l."emailVerifiedAt", u."secondFactor"
   FROM "Login" l JOIN "User" u ON u."id" = l."userId" WHERE l."email" = ?`,
);
// Bookkeeping: a session lost in a power cut means logging in again.
const INSERT_SESSION = new DriverStatement(
  "login-insert-session",
  `INSERT INTO "Session" (${sessionColumnList}) VALUES (${sessionColumns.map(() => "?").join(", ")})`,
  { bookkeeping: true },
);

type RawLogin = { userId: string; passwordHash: string; emailVerifiedAt: string | null; secondFactor: boolean | number };

/** The login row of an address, if it has one. */
export async function readLogIn(db: Db, email: string): Promise<LoginRow | undefined> {
  const [row] = await READ_LOGIN.all<RawLogin>(db, [email]);
  return (
    row && {
      userId: row.userId,
      passwordHash: row.passwordHash,
      verified: row.emailVerifiedAt != null,
      secondFactor: Boolean(row.secondFactor),
    }
  );
}

/** Stores a new session; `with`: bookkeeping writes to commit with it (a log-in's budget points given back). */
export async function insertSession(db: Db, session: NewSessionRow, with_: Write[] = []): Promise<void> {
  const values = sessionColumns.map((c) => {
    const value = session[c];
    return value instanceof Date ? dateParameter(db, value) : value;
  });
  await writeTogether(db, [...with_, { statement: INSERT_SESSION, values }]);
}
