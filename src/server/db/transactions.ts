// Interactive transactions for the services' all-or-nothing changes. Those
// whose rule depends on rows they do not write take serializable.ts instead,
// and changes to a user's second factors second-factor-lock.ts.
// Each runs again when PostgreSQL aborts it for a conflict (transaction-conflicts.ts).
import type { Db } from "./client";
import type { Tx } from "./serializable";
import { againOnConflict } from "./transaction-conflicts";

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return againOnConflict(() => db.$transaction(work));
}
