// Mailed links (EmailVerificationToken rows): the hash of a single-use token
// with its purpose, address and expiry.
import type { LinkPurpose } from "@/shared/policy";
import type { Db } from "./client";

type Links = Pick<Db, "emailVerificationToken">;

export async function insertMailedLink(
  db: Links,
  link: { tokenHash: string; userId: string; purpose: LinkPurpose; email: string; expiresAt: Date },
): Promise<void> {
  await db.emailVerificationToken.create({ data: link });
}

/** Deletes a user's unused links of one purpose; returns how many. */
export async function deleteUnusedLinks(db: Links, userId: string, purpose: LinkPurpose): Promise<number> {
  const { count } = await db.emailVerificationToken.deleteMany({ where: { userId, purpose, usedAt: null } });
  return count;
}

/** A link by its token's hash, with its user's name (read only: previews and resets). */
export async function findMailedLinkWithName(db: Links, tokenHash: string) {
  return db.emailVerificationToken.findUnique({
    where: { tokenHash },
    select: { id: true, userId: true, email: true, purpose: true, expiresAt: true, usedAt: true, user: { select: { name: true } } },
  });
}

/** A link by its token's hash, to use it. */
export async function findMailedLink(db: Links, tokenHash: string) {
  return db.emailVerificationToken.findUnique({
    where: { tokenHash },
    select: { id: true, userId: true, email: true, purpose: true, expiresAt: true, usedAt: true },
  });
}

/** Marks a link used, if it was not: of parallel uses of one link, exactly one gets true. */
export async function markLinkUsed(db: Links, id: string, now: Date): Promise<boolean> {
  const { count } = await db.emailVerificationToken.updateMany({ where: { id, usedAt: null }, data: { usedAt: now } });
  return count === 1;
}
