// A single-use link sent by mail (address confirmation, email change,
// password reset): only the token's hash is stored, with its purpose, address
// and expiry. A new link voids the user's earlier unused ones of the same
// purpose, and the mail that carries it is queued in the same transaction.
import { tokenSchema } from "@/shared/schemas/fields";
import { hashToken } from "../auth/secret-token";
import type { Db } from "../db/client";
import type { OutgoingMail } from "../mail/compose";
import { enqueueMail } from "../mail/outbox";

type Tx = Pick<Db, "emailVerificationToken" | "outboxEmail">;

export type MailedToken = {
  token: string;
  userId: string;
  purpose: "verify" | "change-email" | "reset-password";
  /** The address the link proves (the new one for an email change). */
  email: string;
  ttlMs: number;
};

export async function storeMailedToken(tx: Tx, link: MailedToken, mails: OutgoingMail[]): Promise<void> {
  await tx.emailVerificationToken.deleteMany({ where: { userId: link.userId, purpose: link.purpose, usedAt: null } });
  await tx.emailVerificationToken.create({
    data: {
      tokenHash: hashToken(link.token),
      userId: link.userId,
      purpose: link.purpose,
      email: link.email,
      expiresAt: new Date(Date.now() + link.ttlMs),
    },
  });
  for (const mail of mails) await enqueueMail(tx, mail);
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
  const row = await db.emailVerificationToken.findUnique({
    where: { tokenHash: hashToken(parsed.data) },
    select: { userId: true, email: true, purpose: true, expiresAt: true, usedAt: true, user: { select: { name: true } } },
  });
  if (!row || !(purposes as readonly string[]).includes(row.purpose)) return { state: "invalid" };
  if (row.usedAt) return { state: "used" };
  if (row.expiresAt.getTime() <= Date.now()) return { state: "expired" };
  return { state: "valid", purpose: row.purpose as P, userId: row.userId, email: row.email, name: row.user.name };
}
