// Transactions whose decision depends on rows they do not write (e.g. "is
// there another admin?") take one shared lock first, so that two of them can
// never run interleaved: the second sees what the first committed.
// PostgreSQL: a transaction-scoped advisory lock. SQLite: writers are already
// serialized (one connection, BEGIN … COMMIT under the adapter's mutex).
import { type Db, kindOf } from "./client";
import { againOnConflict } from "./transaction-conflicts";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Arbitrary, fixed key of the advisory lock guarding admin membership. */
const ADMIN_MEMBERSHIP_LOCK = 7_130_001;

export async function serializable<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return againOnConflict(() =>
    db.$transaction(
      async (tx) => {
        if (kindOf(db) === "postgres") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADMIN_MEMBERSHIP_LOCK})`);
        return work(tx);
      },
      { maxWait: 10_000, timeout: 15_000 },
    ),
  );
}

export type { Tx };
