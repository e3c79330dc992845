// Forgotten passwords: a one-hour link by mail, then a new password that
// ends every session. Links are EmailVerificationToken rows with purpose
// "reset-password". A newer request leaves earlier links valid (requests by
// someone else must not void the owner's link); using one voids them all.
import { assertAcceptablePassword } from "../auth/password-policy";
import { hashPassword } from "../auth/password";
import { hashToken } from "../auth/secret-token";
import { enqueueMail } from "../mail/outbox";
import { tokenExpired, tokenInvalid } from "./accounts";
import type { RequestMeta, Services } from "./context";
import { previewMailedLink, voidUnusedLinks, type MailedLinkPreview } from "./mailed-token";

const PURPOSE = "reset-password" as const;

/**
 * Always {ok: true}. The request only records "a reset link for this
 * address": the same work for every address. The worker looks the address
 * up, mints the link and sends it, or drops the request when the address has
 * no account (services/queued-mail.ts). Past the address's limit nothing is
 * recorded, and the answer is the same. The security event is only noted:
 * the address is looked up off the request path, and dropped when no account
 * holds it.
 */
export async function requestPasswordReset(s: Services, email: string, meta: RequestMeta): Promise<{ ok: true }> {
  if (await s.rateLimits.consumeMailRequest("passwordReset", email, meta)) {
    await enqueueMail(s.db, { kind: "reset-password", to: email });
    s.mail.kickSoon();
    s.securityEvents.note({ type: "password_reset.requested", email, client: meta });
  }
  return { ok: true };
}

/**
 * What a reset link is, read only, for the /reset-password page: whose
 * password it sets (the strength meter judges against that name and address),
 * or why it no longer works. A link whose address the login has left is void.
 */
export async function previewResetLink(s: Services, token: unknown): Promise<MailedLinkPreview<typeof PURPOSE>> {
  const preview = await previewMailedLink(s.db, token, [PURPOSE]);
  if (preview.state !== "valid") return preview;
  const login = await s.db.login.findUnique({ where: { userId: preview.userId }, select: { email: true } });
  return login?.email === preview.email ? preview : { state: "invalid" };
}

/**
 * Sets a new password from a reset link, ends every session of the user and
 * tells them by mail. It also confirms the address: whoever opened the link
 * reads that mailbox.
 */
export async function resetPassword(s: Services, token: string, password: string, meta: RequestMeta): Promise<{ ok: true }> {
  const row = await s.db.emailVerificationToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, email: true, purpose: true, expiresAt: true, usedAt: true, user: { select: { name: true } } },
  });
  if (!row || row.purpose !== PURPOSE || row.usedAt) throw tokenInvalid();
  if (row.expiresAt.getTime() <= Date.now()) throw tokenExpired();
  // Judged against the account's name and address, known only from the link.
  assertAcceptablePassword(password, { emails: [row.email], names: [row.user.name] });
  const passwordHash = await hashPassword(password);
  await s.db.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.emailVerificationToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
    if (count !== 1) throw tokenInvalid();
    // The password is changed: every other reset link of the user dies.
    await voidUnusedLinks(tx, row.userId, PURPOSE);
    // The link was sent to this address; if the login moved since, it is void.
    const { count: logins } = await tx.login.updateMany({ where: { userId: row.userId, email: row.email }, data: { passwordHash } });
    if (logins !== 1) throw tokenInvalid();
    await tx.login.updateMany({ where: { userId: row.userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
    const { count: sessionsEnded } = await tx.session.deleteMany({ where: { userId: row.userId } });
    await enqueueMail(tx, { kind: "password-changed", to: row.email, userId: row.userId });
    await s.securityEvents.record(
      { type: "password_reset.completed", userId: row.userId, email: row.email, client: meta, details: { sessionsEnded } },
      tx,
    );
  });
  s.mail.kickSoon();
  return { ok: true };
}
