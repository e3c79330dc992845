// The log-in path's statements, run on the driver beneath Prisma
// (driver-statements.ts). Why not Prisma: during a log-in storm the event
// loop shares the cores with argon2, and Prisma's query pipeline cost more
// CPU than the statements themselves (measured: the event loop spent 4.3 ms
// per log-in through Prisma, 2.8 ms this way; see docs/BENCHMARKS.md).
// Other hot paths do the same (driver-statements.ts names them); everything
// else goes through Prisma.
import { type Db, driverOf } from "./client";
import { DriverStatement, dateParameter, UNSYNCED_COMMIT, type Write, writeTogether } from "./driver-statements";
import type { TakenRow } from "./rate-limit-store";

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
  /** Null: its user proved nothing but a mailbox (a mailed link). */
  authenticatedAt: Date | null;
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

/**
 * INSERT_SESSION after a password check: stored only while the login still
 * has the hash the password was checked against. A log-in that checked the
 * old password while a reset or a password change ran would otherwise store
 * its session after that change ended every session. PostgreSQL takes a
 * share lock on the login row, so the insert either waits for such a change
 * and finds the new hash, or holds the change back until it has committed
 * and the change's own DELETE sees it; on SQLite the writes of one process
 * run one after another anyway. The session is one factor, so it is stored
 * only while the user still has no second factor either: the log-in read
 * the mark before its hash, and a factor set up meanwhile must not be
 * skipped (the user row is read, not locked: a change of factors committed
 * after this statement began is ordered after this log-in).
 */
const sessionValues = sessionColumns.map(() => "?").join(", ");
const PASSWORD_STILL = `SELECT 1 FROM "Login" l WHERE l."userId" = ? AND l."passwordHash" = ?
  AND NOT EXISTS (SELECT 1 FROM "User" u WHERE u."id" = l."userId" AND u."secondFactor")`;
const INSERT_SESSION_IF_PASSWORD = new DriverStatement(
  "login-insert-session-if-password",
  `INSERT INTO "Session" (${sessionColumnList}) SELECT ${sessionValues} WHERE EXISTS (${PASSWORD_STILL}) RETURNING "id"`,
  {
    bookkeeping: true,
    postgres: `INSERT INTO "Session" (${sessionColumnList}) SELECT ${sessionValues} WHERE EXISTS (${PASSWORD_STILL} FOR SHARE) RETURNING "id"`,
  },
);

type RawLogin = { userId: string; passwordHash: string; emailVerifiedAt: string | null; secondFactor: boolean | number };

/** The login row of an address, if it has one. */
export async function readLogIn(db: Db, email: string): Promise<LoginRow | undefined> {
  const [row] = await READ_LOGIN.all<RawLogin>(db, [email]);
  return row && loginRow(row);
}

function loginRow(row: RawLogin): LoginRow {
  return {
    userId: row.userId,
    passwordHash: row.passwordHash,
    verified: row.emailVerifiedAt != null,
    secondFactor: Boolean(row.secondFactor),
  };
}

/**
 * readLogIn with a log-in's rate-limit take (rate-limits.ts,
 * passwordAttemptTake; its rows carry "key", "points" and "expire"): on
 * PostgreSQL one statement, the take as a WITH clause and its rows and the
 * login's in one result, so a log-in makes one round trip before its hash
 * instead of two; on SQLite, in-process, the two in turn. The take commits
 * even when the address has no login (an unknown address spends its budgets
 * as a wrong password does).
 */
export async function readLogInTaking(db: Db, email: string, take: Write): Promise<{ login: LoginRow | undefined; taken: TakenRow[] }> {
  if (driverOf(db).kind === "sqlite") {
    const login = await readLogIn(db, email);
    return { login, taken: await take.statement.all<TakenRow>(db, take.values) };
  }
  const rows = await readTaking(take.statement).all<TakenRow | LoginWithoutKey>(db, [...take.values, email]);
  const row = rows.find((r): r is LoginWithoutKey => r.key === null);
  return { login: row && loginRow(row), taken: rows.filter((r): r is TakenRow => r.key !== null) };
}

/** The login's row in readTaking's result: the counters' columns null. */
type LoginWithoutKey = RawLogin & { key: null };

const readingStatements = new Map<DriverStatement, DriverStatement>();

/**
 * READ_LOGIN after a take, in one PostgreSQL statement: the login's row is
 * the one without a key. Its only write is the take (bookkeeping), so it
 * commits unsynced; the take returns a row for every budget, so the setting
 * is always evaluated.
 */
function readTaking(take: DriverStatement): DriverStatement {
  let statement = readingStatements.get(take);
  if (!statement) {
    statement = new DriverStatement(
      `login-read+${take.name}`,
      `WITH "taken" AS (${take.sql})
       SELECT "key", "points", "expire", NULL AS "userId", NULL AS "passwordHash", NULL AS "emailVerifiedAt", NULL AS "secondFactor"
       FROM "taken" WHERE ${UNSYNCED_COMMIT} IS NOT NULL
       UNION ALL
       SELECT NULL, NULL, NULL, l."userId", l."passwordHash", l."emailVerifiedAt", u."secondFactor"
       FROM "Login" l JOIN "User" u ON u."id" = l."userId" WHERE l."email" = ?`,
    );
    readingStatements.set(take, statement);
  }
  return statement;
}

/**
 * Stores a new session; `with`: bookkeeping writes to commit with it (a
 * log-in's budget points given back); `checkedHash`: the password hash the
 * log-in checked, the session then stored only while the login still has it
 * (the writes of `with` commit either way). Whether it was stored.
 */
export async function insertSession(db: Db, session: NewSessionRow, with_: Write[] = [], checkedHash?: string): Promise<boolean> {
  const values = sessionColumns.map((c) => {
    const value = session[c];
    return value instanceof Date ? dateParameter(db, value) : value;
  });
  if (checkedHash === undefined) {
    await writeTogether(db, [...with_, { statement: INSERT_SESSION, values }]);
    return true;
  }
  const write = { statement: INSERT_SESSION_IF_PASSWORD, values: [...values, session.userId, checkedHash] };
  return (await writeTogether(db, [...with_, write])) === 1;
}
