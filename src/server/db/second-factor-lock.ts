// Changes to one user's second factors run one at a time. The secondFactor
// mark is set from counts, and a take-back or an admin's reset deletes the
// factors it finds: under PostgreSQL's READ COMMITTED, two such transactions
// reading before either committed left the mark false beside a passkey (the
// password alone then logged in), or a passkey added during a take-back alive.
import { type Db, kindOf } from "./client";
import type { Tx } from "./serializable";
import { inTransaction } from "./transactions";

/**
 * inTransaction, first taking the user's row lock, so that each such
 * transaction sees what the one before it committed. FOR NO KEY UPDATE is
 * the lock the mark's own UPDATE takes anyway: a log-in storing a session
 * (its foreign key takes FOR KEY SHARE on the user) is not held up, and
 * cannot deadlock with a reset that locks the user and then the login row,
 * as it could under FOR UPDATE. SQLite needs no lock: a transaction holds
 * the one connection from BEGIN to COMMIT (client.ts, TransactionGate), and
 * a deferred transaction of another process that read before a commit fails
 * its first write (SQLITE_BUSY_SNAPSHOT) rather than writing over it.
 */
export async function changingSecondFactors<T>(db: Db, userId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return inTransaction(db, async (tx) => {
    if (kindOf(db) === "postgres") await tx.$executeRaw`SELECT 1 FROM "User" WHERE "id" = ${userId} FOR NO KEY UPDATE`;
    return work(tx);
  });
}
