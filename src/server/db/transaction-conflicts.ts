// A transaction PostgreSQL aborted for a conflict (a deadlock with another
// that locked the same rows in the other order, a serialization failure)
// changed nothing, and runs again: a reset racing a password change once
// answered 500.
import { isTransactionConflict } from "./errors";

/** Runs of a transaction aborted by a conflict before its error is let through. */
const CONFLICT_RUNS = 3;

/** Runs `transaction` again (after a short random pause) while it fails for a conflict, up to CONFLICT_RUNS times in all. */
export async function againOnConflict<T>(transaction: () => Promise<T>, runs = CONFLICT_RUNS): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await transaction();
    } catch (error) {
      if (run >= runs || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}
