// A single-use link sent by mail (address confirmation, email change,
// password reset): only the token's hash is stored, with its purpose, address
// and expiry. The outbox worker mints the link when it composes the mail
// (services/queued-mail.ts), so no request handles a link token.
import type { LinkPurpose } from "@/shared/policy";
import { tokenSchema } from "@/shared/schemas/fields";
import { hashToken } from "../auth/secret-token";
import type { Db } from "../db/client";
import { deleteUnusedLinks, findMailedLinkWithName, insertMailedLink } from "../db/mailed-links";

type Tx = Pick<Db, "emailVerificationToken">;

export type MailedToken = {
  token: string;
  userId: string;
  purpose: LinkPurpose;
  /** The address the link proves (the new one for an email change). */
  email: string;
  expiresAt: Date;
};

export async function storeMailedToken(tx: Tx, link: MailedToken): Promise<void> {
  await insertMailedLink(tx, {
    tokenHash: hashToken(link.token),
    userId: link.userId,
    purpose: link.purpose,
    email: link.email,
    expiresAt: link.expiresAt,
  });
}

/**
 * Voids a user's unused links of one purpose (used ones stay, as the record
 * of their use). Called when a newer address link is minted, when a reset
 * link is used, and when the password changes.
 */
export async function voidUnusedLinks(tx: Tx, userId: string, purpose: LinkPurpose): Promise<number> {
  return deleteUnusedLinks(tx, userId, purpose);
}

/**
 * What a mailed link is, read without changing anything, for the page it
 * opens to show before the person acts on it: "invalid" covers unknown tokens
 * and links of another purpose.
 */
export type MailedLinkPreview<P extends MailedToken["purpose"]> =
  | { state: "valid"; purpose: P; userId: string; email: string; name: string }
  | { state: "invalid" | "used" | "expired" };

export async function previewMailedLink<P extends MailedToken["purpose"]>(
  db: Pick<Db, "emailVerificationToken">,
  token: unknown,
  purposes: readonly P[],
): Promise<MailedLinkPreview<P>> {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) return { state: "invalid" };
  const row = await findMailedLinkWithName(db, hashToken(parsed.data));
  if (!row || !(purposes as readonly string[]).includes(row.purpose)) return { state: "invalid" };
  if (row.usedAt) return { state: "used" };
  if (row.expiresAt.getTime() <= Date.now()) return { state: "expired" };
  return { state: "valid", purpose: row.purpose as P, userId: row.userId, email: row.email, name: row.user.name };
}
