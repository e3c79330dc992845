// Sessions: rows keyed by the SHA-256 of their token. The log-in's own insert
// runs on the driver (login-statements.ts); these are the rest.
import { type Db, Prisma } from "./client";
import { DriverStatement, dateParameter } from "./driver-statements";
import { type NewSessionRow, sessionColumnList, sessionColumns } from "./login-statements";
import { flagsColumns, type RawFlags } from "./selects";

/** A session row with its user's flags ("id" is the user's: it is the session's userId). */
export type SessionWithFlags = RawFlags & {
  sessionId: string;
  expiresAt: Date | string;
  lastUsedAt: Date | string;
  aal: string;
  method: string;
  authenticatedAt: Date | string | null;
};

/** Inserts a session inside a transaction (an email confirmation logs in). */
export async function insertSessionIn(tx: Pick<Db, "$executeRaw">, row: NewSessionRow): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO "Session" (${Prisma.raw(sessionColumnList)})
    VALUES (${Prisma.join(sessionColumns.map((c) => row[c]))})`;
}

// The hot path of every authenticated request: one prepared statement on the
// driver beneath Prisma (driver-statements.ts). Through Prisma's $queryRaw the
// same read cost the event loop 175-340 µs, on the driver 8-60 µs (measured
// in-process at 1k users, SQLite and PostgreSQL; docs/performance.md).
const SESSION_WITH_FLAGS = new DriverStatement(
  "session-with-flags",
  `SELECT s."id" AS "sessionId", s."expiresAt", s."lastUsedAt", s."aal", s."method", s."authenticatedAt", ${flagsColumns("u")}
   FROM "Session" s JOIN "User" u ON u."id" = s."userId"
   WHERE s."tokenHash" = ?`,
);

/** The session of a token hash with its user's flags (DateTimes as ISO strings). */
export async function findSessionWithFlagsByTokenHash(db: Db, tokenHash: string): Promise<SessionWithFlags | undefined> {
  const [row] = await SESSION_WITH_FLAGS.all<SessionWithFlags>(db, [tokenHash]);
  return row;
}

/** The owner and expiry of the session a token hash names, read only. */
export async function findSessionOwnerByTokenHash(db: Db, tokenHash: string) {
  return db.session.findUnique({ where: { tokenHash }, select: { userId: true, expiresAt: true } });
}

export async function deleteSessionById(db: Db, id: string): Promise<void> {
  await db.session.deleteMany({ where: { id } });
}

/** Raises a session to two factors (its user set one up, or proved one), as just authenticated; false when it has ended. */
export async function raiseSessionAssurance(db: Pick<Db, "session">, id: string, method: string, now: Date): Promise<boolean> {
  const { count } = await db.session.updateMany({ where: { id }, data: { aal: "aal2", method, authenticatedAt: now } });
  return count === 1;
}

/** Notes that a session's user proved who they are again (a password or code given for a sensitive change). */
export async function markSessionAuthenticated(db: Pick<Db, "session">, id: string, now: Date): Promise<void> {
  await db.session.updateMany({ where: { id }, data: { authenticatedAt: now } });
}

// Bookkeeping: a lastUsedAt lost in a power cut breaks no promise. Through
// Prisma it was the one durable write of the validation path: on SQLite it
// made the event loop wait for the disk to take everything written unsynced
// since the last durable commit (a pruning's deleted batches, say); while a
// million expired sessions were pruned, validation once stalled 1.3 s.
const TOUCH = new DriverStatement("session-touch", `UPDATE "Session" SET "lastUsedAt" = ? WHERE "id" = ?`, { bookkeeping: true });

/** Notes when a session was last used (validation does, at most once a minute). */
export async function touchSession(db: Db, id: string, lastUsedAt: Date): Promise<void> {
  await TOUCH.all(db, [dateParameter(db, lastUsedAt), id]);
}

/** Deletes the session a token hash names, valid or expired; returns what it was. */
export async function deleteSessionByTokenHash(db: Db, tokenHash: string): Promise<{ id: string; userId: string } | undefined> {
  const [ended] = await db.$queryRaw<{ id: string; userId: string }[]>`
    DELETE FROM "Session" WHERE "tokenHash" = ${tokenHash} RETURNING "id", "userId"`;
  return ended;
}

/** A user's unexpired sessions, most recently used first. */
export async function findLiveSessionsOfUser(db: Db, userId: string, now: Date) {
  return db.session.findMany({
    where: { userId, expiresAt: { gt: now } },
    orderBy: { lastUsedAt: "desc" },
    select: { id: true, createdAt: true, lastUsedAt: true, expiresAt: true, ip: true, userAgent: true, aal: true, method: true },
  });
}

/** Deletes one session of a user (none when the id is another user's); returns how many. */
export async function deleteSessionOfUser(db: Db, userId: string, id: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { id, userId } });
  return count;
}

/** Deletes every session of a user, but `exceptId` when given; returns how many. */
export async function deleteSessionsOfUser(db: Pick<Db, "session">, userId: string, exceptId?: string): Promise<number> {
  const { count } = await db.session.deleteMany({ where: exceptId === undefined ? { userId } : { userId, id: { not: exceptId } } });
  return count;
}
