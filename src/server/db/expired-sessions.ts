// The pruning's statement for expired sessions: one DELETE of at most
// `limit` of them, the oldest expiry first, on the driver. (Through Prisma a
// batch was two queries, the second with every id as a parameter, each built
// in WebAssembly: 500 ids held SQLite's event loop long enough to show in
// validation's p99 while a million sessions were pruned.)
import type { Db } from "./client";
import { DriverStatement, dateParameter } from "./driver-statements";

const DELETE_EXPIRED = new DriverStatement(
  "session-delete-expired",
  `DELETE FROM "Session" WHERE "id" IN (
     SELECT "id" FROM "Session" WHERE "expiresAt" <= ? ORDER BY "expiresAt" LIMIT ?
   ) RETURNING "id"`,
  // Bookkeeping: a batch lost in a power cut is deleted again next round.
  // Waiting for the disk after each batch held SQLite's event loop a third longer.
  { bookkeeping: true },
);

/** Deletes up to `limit` sessions whose expiry is at or before `now`; returns how many. */
export async function deleteExpiredSessions(db: Db, now: Date, limit: number): Promise<number> {
  return (await DELETE_EXPIRED.all(db, [dateParameter(db, now), limit])).length;
}
