// Registration and email verification.
import type { z } from "zod";
import type { registerInput } from "@/shared/schemas/account";
import { AppError } from "../app-error";
import { clientAddressKey } from "../auth/client-address-key";
import { hashPassword, verifyPassword } from "../auth/password";
import { assertAcceptablePassword } from "../auth/password-policy";
import { hashToken } from "../auth/secret-token";
import { isUniqueViolation } from "../db/errors";
import { findMailedLink, markLinkUsed } from "../db/mailed-links";
import { deleteSessionsOfUser } from "../db/sessions";
import { inTransaction } from "../db/transactions";
import {
  confirmPendingEmail,
  createUserWithLogin,
  deleteUnconfirmedHolderOf,
  findLoginAddresses,
  findLoginEmail,
  findLoginHolder,
  findLoginWithHash,
  markEmailVerified,
} from "../db/users";
import { enqueueMail } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import { audit } from "./audit";
import { queueConfirmationLink } from "./confirmation-link";
import { emailTaken } from "./email-taken";
import { type MailedLinkPreview, previewMailedLink } from "./mailed-token";
import type { Services } from "./service-container";
import { type IssuedSession, issueSession, type SessionTokenForm } from "./sessions";
import { consumeTeacherToken, isTeacherTokenUsable, teacherTokenInvalid } from "./teacher-tokens";

/** What registration receives: the shared schema's output (trimmed, normalised). */
export type RegisterRequest = z.output<typeof registerInput>;

/**
 * Creates an account. An address that already has one gets the same answer
 * ({verified: false}, or {verified: true} with a teacher token, whose use is
 * taken all the same) and its owner a mail, so neither the answer nor a retry
 * tells whether an address is registered. An account whose address nobody has
 * confirmed is replaced by a new registration of that address.
 */
export async function register(s: Services, input: RegisterRequest, meta: RequestMeta): Promise<{ verified: boolean }> {
  await s.rateLimits.consumeClient("register", meta);
  await assertAcceptablePassword(input.password, { emails: [input.email], names: [input.name] });
  if (input.teacherToken && !(await isTeacherTokenUsable(s.db, input.teacherToken, input.email))) throw teacherTokenInvalid();
  // The address's budget only once the request is acceptable (rate-limits.ts), still before the hash.
  await s.rateLimits.consumeAddress("register", input.email, meta);

  // Hash before looking the address up: both paths then take the same time.
  const passwordHash = await hashPassword(input.password);
  const teacher = input.teacherToken !== null;
  const holder = await findLoginHolder(s.db, input.email);
  // A confirmed address is someone's account. One nobody has confirmed is
  // replaced by this registration (below): else whoever registered it first,
  // with a password of their own, held it against its owner, whose own
  // registration was a no-op and whose click on the link then confirmed the
  // squatter's account. A teacher token never replaces one (it would confirm
  // an address its holder may not own).
  if (holder && (holder.confirmed || teacher)) return registrationAttempt(s, input.email, input.teacherToken);

  try {
    await inTransaction(s.db, async (tx) => {
      // Its links and sessions go with it (the newest registration's link is the one that works).
      if (holder) await deleteUnconfirmedHolderOf(tx, input.email, null);
      const tokenId = input.teacherToken ? await consumeTeacherToken(tx, input.teacherToken, input.email) : null;
      const now = new Date();
      const user = await createUserWithLogin(
        tx,
        { name: input.name, teacher },
        { email: input.email, passwordHash, emailVerifiedAt: teacher ? now : null },
      );
      // Which token made this teacher: a leaked token's teachers can be found in the audit log.
      if (tokenId) {
        await audit(tx, [
          {
            actor: { id: user.id, name: input.name },
            target: { id: user.id, label: input.email },
            action: "registerWithTeacherToken",
            field: tokenId,
          },
        ]);
      }
      // The worker mints the link and composes the mail (services/queued-mail.ts).
      if (!teacher) await enqueueMail(tx, { kind: "verify-email", to: input.email, userId: user.id });
    });
  } catch (error) {
    // A parallel registration of the same address won the race.
    if (isUniqueViolation(error)) return registrationAttempt(s, input.email, input.teacherToken);
    throw error;
  }
  if (!teacher) s.mail.kickSoon();
  return { verified: teacher };
}

/**
 * The answer for an address that has an account: its owner is told by mail and
 * nothing of the account changes. A teacher token loses a use as it would have
 * for a new address (else a retry with a one-use token would tell them apart).
 */
async function registrationAttempt(s: Services, email: string, teacherToken: string | null): Promise<{ verified: boolean }> {
  await inTransaction(s.db, async (tx) => {
    if (teacherToken) await consumeTeacherToken(tx, teacherToken, email);
    // By address: the worker finds the account when it composes the mail
    // (services/queued-mail.ts), and drops it if none holds the address by
    // then. An account read here could be gone by the insert (a parallel
    // registration replacing an unconfirmed one): a foreign-key error, a 500.
    await enqueueMail(tx, { kind: "registration-attempt", to: email });
  });
  s.mail.kickSoon();
  return { verified: teacherToken !== null };
}

/**
 * The password a new account was registered with, given at its link: a wrong
 * one is another registration's link (the newest registration of an
 * unconfirmed address replaces the older one), and confirms nothing. Checked
 * under the link's own budget, reserved first: only the mailbox holds the
 * link, while the address's log-in budgets are anyone's to spend (a flood of
 * wrong log-ins would have kept its owner's page refusing).
 */
async function confirmRegistrationPassword(
  s: Services,
  link: { id: string; userId: string },
  password: string,
  meta: RequestMeta,
): Promise<void> {
  const login = await findLoginWithHash(s.db, link.userId);
  if (!login) throw tokenInvalid();
  const reservation = await s.rateLimits.reserveLinkPasswordAttempt(link.id, meta);
  let right: boolean;
  try {
    right = await verifyPassword(login.passwordHash, password, { client: clientAddressKey(meta.ip) });
  } catch (error) {
    await reservation.giveBack();
    throw error;
  }
  if (!right) {
    throw new AppError(
      "WRONG_PASSWORD",
      "This is not the password this account was registered with. If you did not register it, register again: your registration replaces it.",
    );
  }
  await reservation.giveBack();
}

export const tokenInvalid = () => new AppError("TOKEN_INVALID", "This link is not valid or has already been used.");
export const tokenExpired = () => new AppError("TOKEN_EXPIRED", "This link has expired. Ask for a new one.");

/**
 * A valid address link also carries, for an address change, the account's
 * current (confirmed) address: the page names the account by it, never by
 * its name, which is text anyone may write ("Urgent: sign in at …") and which
 * the mails to unconfirmed addresses leave out too.
 */
export type AddressLinkPreview =
  | (Extract<MailedLinkPreview<"verify" | "change-email">, { state: "valid" }> & { currentEmail: string | null })
  | Exclude<MailedLinkPreview<"verify" | "change-email">, { state: "valid" }>;

/**
 * What an address link would confirm, for the /verify page to show before
 * the person presses "Confirm": read only, so a mail scanner opening the link
 * consumes nothing. A link verifyEmail would refuse (the address moved on, or
 * a newer change replaced it) is "invalid" here too.
 */
export async function previewAddressLink(s: Services, token: unknown): Promise<AddressLinkPreview> {
  const preview = await previewMailedLink(s.db, token, ["verify", "change-email"] as const);
  if (preview.state !== "valid") return preview;
  const login = await findLoginAddresses(s.db, preview.userId);
  if (!login) return { state: "invalid" };
  const changing = preview.purpose === "change-email";
  const current = changing ? login.pendingEmail === preview.email : login.email === preview.email && !login.emailVerifiedAt;
  return current ? { ...preview, currentEmail: changing ? login.email : null } : { state: "invalid" };
}

/**
 * Confirms an address from its emailed link and logs its owner in (a session
 * token of `form`). `password`: for a new account's link, the password chosen
 * at registration, checked before anything changes (the /verify page sends it).
 */
export async function verifyEmail(
  s: Services,
  token: string,
  meta: RequestMeta,
  form: SessionTokenForm = "secret",
  password?: string,
): Promise<IssuedSession> {
  const row = await findMailedLink(s.db, hashToken(token));
  // Only address links log in here; a password-reset link is not one.
  if (!row || row.usedAt || (row.purpose !== "verify" && row.purpose !== "change-email")) throw tokenInvalid();
  if (row.expiresAt.getTime() <= Date.now()) throw tokenExpired();
  if (row.purpose === "verify" && password !== undefined) await confirmRegistrationPassword(s, row, password, meta);
  const session = await inTransaction(s.db, async (tx) => {
    const now = new Date();
    // Conditional update: of parallel uses of one link, exactly one wins.
    if (!(await markLinkUsed(tx, row.id, now))) throw tokenInvalid();
    if (row.purpose === "change-email") {
      // Moves the login to the new address, if it is still the pending one and free.
      const before = await findLoginEmail(tx, row.userId);
      if (!before) throw tokenInvalid();
      // An account that registered the address without confirming it never
      // proved the mailbox this link was opened from: it goes (undone with
      // the rest if the link turns out void). A confirmed holder stays: EMAIL_TAKEN.
      await deleteUnconfirmedHolderOf(tx, row.email, row.userId);
      try {
        if (!(await confirmPendingEmail(tx, row.userId, row.email, now))) throw tokenInvalid();
      } catch (error) {
        if (isUniqueViolation(error)) throw emailTaken();
        throw error;
      }
      // Whoever was logged in is logged out (the new session below is the only
      // one), and the old address is told, with a link to take the account back.
      const count = await deleteSessionsOfUser(tx, row.userId);
      await enqueueMail(tx, { kind: "email-changed", to: before.email, userId: row.userId, params: { newEmail: row.email } });
      await s.securityEvents.record(
        { type: "email_change.confirmed", userId: row.userId, email: row.email, client: meta, details: { sessionsEnded: count } },
        tx,
      );
    } else {
      if (!(await markEmailVerified(tx, row.userId, row.email, now))) throw tokenInvalid();
    }
    return issueSession(tx, s.config.SESSION_TTL_SECONDS, row.userId, meta, form, { aal: "aal1", method: "link" });
  });
  if (row.purpose === "change-email") s.mail.kickSoon();
  s.securityEvents.note({ type: "login.succeeded", userId: row.userId, client: meta, details: { via: "mailed link" } });
  return session;
}

/** Sends a fresh link to an unverified address (earlier links stop working); the same answer for every address. */
export async function resendVerification(s: Services, email: string, meta: RequestMeta): Promise<{ ok: true }> {
  await queueConfirmationLink(s, email, meta);
  return { ok: true };
}
