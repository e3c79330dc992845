// Interactive transactions for the services' all-or-nothing changes. Those
// whose rule depends on rows they do not write take serializable.ts instead.
import type { Db } from "./client";
import type { Tx } from "./serializable";

export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work);
}
