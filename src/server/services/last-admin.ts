// There is always at least one admin. Callers run inside serializable(), so
// two admins demoting or deleting each other at once cannot both pass.
import { AppError } from "../app-error";
import type { Tx } from "../db/serializable";
import { countOtherAdmins } from "../db/users";

const lastAdmin = () => new AppError("LAST_ADMIN", "This is the last admin: make someone else an admin first.");

/** Refuses to remove this admin when no other admin exists. */
export async function assertNotLastAdmin(tx: Tx, user: { id: string; admin: boolean }): Promise<void> {
  if (!user.admin) return;
  const others = await countOtherAdmins(tx, user.id);
  if (others === 0) throw lastAdmin();
}
