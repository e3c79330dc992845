// Forgotten passwords: a one-hour link by mail, then a new password that
// ends every session. Links are EmailVerificationToken rows with purpose
// "reset-password". A newer request leaves earlier links valid (requests by
// someone else must not void the owner's link); using one voids them all.
// The same page and procedure take a "revert-email" link: the one mailed to
// the old address when an address change was confirmed, which takes the
// account back.

import { clientAddressKey } from "../auth/client-address-key";
import { hashPassword } from "../auth/password";
import { assertAcceptablePassword } from "../auth/password-policy";
import { hashToken } from "../auth/secret-token";
import { deleteLogInTicketsOf } from "../db/auth-challenges";
import { isUniqueViolation } from "../db/errors";
import { findMailedLinkWithName, markLinkUsed } from "../db/mailed-links";
import { changingSecondFactors } from "../db/second-factor-lock";
import { deleteSecondFactors } from "../db/second-factors";
import { deleteSessionsOfUser } from "../db/sessions";
import { deleteUnconfirmedHolderOf, findLoginEmail, markUnverifiedEmailVerified, resetLoginPassword } from "../db/users";
import { enqueueMail } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import { emailTaken } from "./email-taken";
import { type MailedLinkPreview, previewMailedLink, voidUnusedLinks } from "./mailed-token";
import { tokenExpired, tokenInvalid } from "./registration";
import type { Services } from "./service-container";

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

/** The links that set a new password: a reset link, or a take-back link sent when the address was changed. */
const PURPOSES = [PURPOSE, "revert-email"] as const;
type PasswordLinkPurpose = (typeof PURPOSES)[number];

/**
 * What a reset link is, read only, for the /reset-password page: whose
 * password it sets (the strength meter judges against that name and address),
 * or why it no longer works. A reset link whose address the login has left
 * is void; a take-back link names the address the account goes back to.
 */
export async function previewResetLink(s: Services, token: unknown): Promise<MailedLinkPreview<PasswordLinkPurpose>> {
  const preview = await previewMailedLink(s.db, token, PURPOSES);
  if (preview.state !== "valid" || preview.purpose === "revert-email") return preview;
  const login = await findLoginEmail(s.db, preview.userId);
  return login?.email === preview.email ? preview : { state: "invalid" };
}

/**
 * Sets a new password from a link, ends every session of the user, voids the
 * user's other reset links and any pending address change, and tells them by
 * mail. It also confirms the address: whoever opened the link reads that
 * mailbox. A take-back link (sent to the old address when a change was
 * confirmed) first moves the login back to that address, and removes every
 * second factor and passkey.
 */
export async function resetPassword(s: Services, token: string, password: string, meta: RequestMeta): Promise<{ ok: true }> {
  const row = await findMailedLinkWithName(s.db, hashToken(token));
  if (!row || !(PURPOSES as readonly string[]).includes(row.purpose) || row.usedAt) throw tokenInvalid();
  if (row.expiresAt.getTime() <= Date.now()) throw tokenExpired();
  const takeBack = row.purpose === "revert-email";
  // Judged against the account's name and address, known only from the link.
  await assertAcceptablePassword(password, { emails: [row.email], names: [row.user.name] });
  const passwordHash = await hashPassword(password, { client: clientAddressKey(meta?.ip) });
  // Under the user's lock, like every change of their factors: a factor being
  // added meanwhile is either removed here or added after, by a session ended here.
  await changingSecondFactors(s.db, row.userId, async (tx) => {
    const now = new Date();
    if (!(await markLinkUsed(tx, row.id, now))) throw tokenInvalid();
    // The password is changed: every other reset link of the user dies, and so
    // does an address change set going under the old password. Take-back links
    // die only when one is used: whoever took the account over must not be
    // able to void the owner's way back with a reset of their own.
    const voided = takeBack ? ([...PURPOSES, "change-email"] as const) : ([PURPOSE, "change-email"] as const);
    for (const purpose of voided) await voidUnusedLinks(tx, row.userId, purpose);
    // Whoever took the account over may have registered the freed old address
    // to block the way back; unconfirmed, that account goes (a confirmed one stays: EMAIL_TAKEN).
    const holderRemoved = takeBack && (await deleteUnconfirmedHolderOf(tx, row.email, row.userId));
    try {
      // A reset link was sent to this address: if the login moved since, it is
      // void. A take-back link moves the login back to its address.
      if (!(await resetLoginPassword(tx, row.userId, row.email, passwordHash, takeBack, now))) throw tokenInvalid();
    } catch (error) {
      // Someone else took the old address meanwhile.
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    await markUnverifiedEmailVerified(tx, row.userId, now);
    const sessionsEnded = await deleteSessionsOfUser(tx, row.userId);
    await deleteLogInTicketsOf(tx, row.userId);
    // Whoever took the account over could have added an authenticator app or
    // a passkey of their own: a take-back removes them all, the owner's too
    // (set up again after logging in), or the taker would keep a way in and
    // the owner would be asked for a factor only the taker has.
    if (takeBack) await deleteSecondFactors(tx, row.userId);
    await enqueueMail(tx, { kind: "password-changed", to: row.email, userId: row.userId });
    await s.securityEvents.record(
      {
        type: "password_reset.completed",
        userId: row.userId,
        email: row.email,
        client: meta,
        details: {
          sessionsEnded,
          takeBack,
          ...(takeBack ? { secondFactorsRemoved: true } : {}),
          ...(holderRemoved ? { unconfirmedHolderRemoved: true } : {}),
        },
      },
      tx,
    );
  });
  // The mailbox's owner proved who they are: failures others caused against the address are forgotten.
  await s.rateLimits.forgetAccountFailures(row.email);
  s.mail.kickSoon();
  return { ok: true };
}
