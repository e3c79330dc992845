// A single-use link sent by mail (address confirmation, email change,
// password reset): only the token's hash is stored, with its purpose, address
// and expiry. The outbox worker mints the link when it composes the mail
// (services/queued-mail.ts), so no request handles a link token.
import { hashToken } from "../auth/secret-token";
import type { Db } from "../db/client";

type Tx = Pick<Db, "emailVerificationToken">;

export type LinkPurpose = "verify" | "change-email" | "reset-password";

export type MailedToken = {
  token: string;
  userId: string;
  purpose: LinkPurpose;
  /** The address the link proves (the new one for an email change). */
  email: string;
  expiresAt: Date;
};

export async function storeMailedToken(tx: Tx, link: MailedToken): Promise<void> {
  await tx.emailVerificationToken.create({
    data: {
      tokenHash: hashToken(link.token),
      userId: link.userId,
      purpose: link.purpose,
      email: link.email,
      expiresAt: link.expiresAt,
    },
  });
}

/**
 * Voids a user's unused links of one purpose (used ones stay, as the record
 * of their use). Called when a newer address link is minted, when a reset
 * link is used, and when the password changes.
 */
export async function voidUnusedLinks(tx: Tx, userId: string, purpose: LinkPurpose): Promise<number> {
  const { count } = await tx.emailVerificationToken.deleteMany({ where: { userId, purpose, usedAt: null } });
  return count;
}
