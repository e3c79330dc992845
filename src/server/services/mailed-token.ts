// A single-use link sent by mail (address confirmation, email change,
// password reset): only the token's hash is stored, with its purpose, address
// and expiry. A new link voids the user's earlier unused ones of the same
// purpose, and the mail that carries it is queued in the same transaction.
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
