// Forgotten passwords: a one-hour, single-use link by mail, then a new
// password that ends every session. Links are EmailVerificationToken rows
// with purpose "reset-password"; a newer request voids older links.
import { assertAcceptablePassword } from "../auth/password-policy";
import { hashPassword } from "../auth/password";
import { hashToken, newSecretToken } from "../auth/secret-token";
import { passwordChangedMail, resetPasswordMail } from "../mail/compose";
import { enqueueMail } from "../mail/outbox";
import { tokenExpired, tokenInvalid } from "./accounts";
import type { RequestMeta, Services } from "./context";
import { previewMailedLink, storeMailedToken, type MailedLinkPreview } from "./mailed-token";

const RESET_TTL_MS = 3600 * 1000;
const PURPOSE = "reset-password" as const;

/** Always {ok: true}; mails a link only when the address has an account. */
export async function requestPasswordReset(s: Services, email: string, meta: RequestMeta): Promise<{ ok: true }> {
  await s.rateLimits.consume("passwordReset", email, meta.ip);
  const login = await s.db.login.findUnique({ where: { email }, select: { userId: true, user: { select: { name: true } } } });
  if (login) {
    const token = newSecretToken();
    const mail = await resetPasswordMail(email, login.user.name, `${s.config.APP_URL}/reset-password?token=${encodeURIComponent(token)}`);
    await s.db.$transaction((tx) =>
      storeMailedToken(tx, { token, userId: login.userId, purpose: PURPOSE, email, ttlMs: RESET_TTL_MS }, [mail]),
    );
    void s.mail.kick();
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
export async function resetPassword(s: Services, token: string, password: string): Promise<{ ok: true }> {
  const row = await s.db.emailVerificationToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, email: true, purpose: true, expiresAt: true, usedAt: true, user: { select: { name: true } } },
  });
  if (!row || row.purpose !== PURPOSE || row.usedAt) throw tokenInvalid();
  if (row.expiresAt.getTime() <= Date.now()) throw tokenExpired();
  // Judged against the account's name and address, known only from the link.
  assertAcceptablePassword(password, { emails: [row.email], names: [row.user.name] });
  const passwordHash = await hashPassword(password);
  const notice = await passwordChangedMail(row.email, row.user.name, s.config.APP_URL);
  await s.db.$transaction(async (tx) => {
    const now = new Date();
    const { count } = await tx.emailVerificationToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
    if (count !== 1) throw tokenInvalid();
    // The link was sent to this address; if the login moved since, it is void.
    const { count: logins } = await tx.login.updateMany({ where: { userId: row.userId, email: row.email }, data: { passwordHash } });
    if (logins !== 1) throw tokenInvalid();
    await tx.login.updateMany({ where: { userId: row.userId, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
    await tx.session.deleteMany({ where: { userId: row.userId } });
    await enqueueMail(tx, notice);
  });
  void s.mail.kick();
  return { ok: true };
}
