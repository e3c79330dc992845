// Setting up an authenticator app: the password opens an enrolment (a new
// sealed secret, shown once as a QR code and as text), a first right code
// confirms it within 10 minutes and yields ten recovery codes, shown once.
// Confirming raises the current session to aal2. Making new recovery codes
// and turning the app off each need the password and a current code.
import { SECOND_FACTOR } from "@/shared/policy";
import { AppError, sessionInvalid } from "../app-error";
import { newRecoveryCodes, recoveryCodeHash } from "../auth/recovery-codes";
import { matchTotp, newTotpSecret, openSecret, sealSecret, totpSecretText, totpUri } from "../auth/totp";
import { changingSecondFactors } from "../db/second-factor-lock";
import {
  confirmTotpFactor,
  deleteRecoveryCodes,
  deleteTotpFactor,
  findTotpFactor,
  refreshSecondFactorMark,
  replaceRecoveryCodes,
  saveTotpEnrolment,
} from "../db/second-factors";
import { raiseSessionAssurance } from "../db/sessions";
import type { RequestMeta } from "../request-meta";
import { assertMayAddFactor, assertNoFactorAddedSince } from "./another-factor";
import { confirmPassword } from "./reauthentication";
import { noticeSecondFactorChange } from "./second-factor-notice";
import { proveSecondFactor, secondFactorInvalid } from "./second-factor-proof";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

const alreadyEnabled = () =>
  new AppError("TOTP_ALREADY_ENABLED", "An authenticator app is already set up. Turn it off first to set up another.");
const notEnabled = () => new AppError("TOTP_NOT_ENABLED", "No authenticator app is set up (or the set-up took longer than 10 minutes).");

export async function startTotp(s: Services, session: ValidSession, password: string, meta: RequestMeta) {
  const login = await confirmPassword(s, session, password, meta);
  if ((await findTotpFactor(s.db, session.userId))?.confirmedAt) throw alreadyEnabled();
  await assertMayAddFactor(s, session, false);
  const secret = newTotpSecret();
  if (!(await saveTotpEnrolment(s.db, session.userId, sealSecret(await s.totpKey(), secret), new Date()))) throw alreadyEnabled();
  const uri = totpUri(new URL(s.config.APP_URL).host, login.email, secret);
  // Loaded on first use, like the mail templates: few requests draw a QR code.
  const { default: QRCode } = await import("qrcode");
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return { secret: totpSecretText(secret), uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/** Confirms the enrolment with a first code: recovery codes, and an aal2 session. */
export async function confirmTotp(s: Services, session: ValidSession, code: string, meta: RequestMeta) {
  const factor = await findTotpFactor(s.db, session.userId);
  const startedAfter = new Date(Date.now() - SECOND_FACTOR.enrolmentSeconds * 1000);
  if (!factor || factor.confirmedAt || factor.createdAt <= startedAfter) throw notEnabled();
  // A guess like any other code: from the session's own budget (a stolen
  // session must not try a million codes against its owner's set-up).
  const reservation = await s.rateLimits.reserveSessionSecondFactorAttempt(session.id, meta);
  const step = matchTotp(openSecret(await s.totpKey(), factor.secret), code, Date.now());
  if (step === null) {
    s.securityEvents.note({ type: "second_factor.failed", userId: session.userId, client: meta, details: { method: "totp" } });
    throw secondFactorInvalid();
  }
  await reservation.giveBack();
  const recoveryCodes = newRecoveryCodes();
  await changingSecondFactors(s.db, session.userId, async (tx) => {
    await assertNoFactorAddedSince(tx, session, factor.createdAt);
    // Ended since it was checked (a log-out elsewhere, a take-back): it confirms nothing.
    if (!(await raiseSessionAssurance(tx, session.id, "totp", new Date()))) throw sessionInvalid();
    if (!(await confirmTotpFactor(tx, session.userId, factor.secret, step, startedAfter, new Date()))) throw notEnabled();
    await replaceRecoveryCodes(tx, session.userId, recoveryCodes.map(recoveryCodeHash));
    await refreshSecondFactorMark(tx, session.userId);
    await noticeSecondFactorChange(tx, session.userId, "app-added");
  });
  s.mail.kickSoon();
  s.securityEvents.note({ type: "second_factor.enabled", userId: session.userId, client: meta, details: { method: "totp" } });
  return { recoveryCodes };
}

/** The password and a current code of the app, both: for new recovery codes and for turning the app off. */
async function confirmPasswordAndCode(s: Services, session: ValidSession, input: { password: string; code: string }, meta: RequestMeta) {
  await confirmPassword(s, session, input.password, meta);
  if (!(await findTotpFactor(s.db, session.userId))?.confirmedAt) throw notEnabled();
  if (!(await proveSecondFactor(s, session.userId, { totp: input.code }, meta, null, { sessionId: session.id })))
    throw secondFactorInvalid();
}

export async function regenerateRecoveryCodes(
  s: Services,
  session: ValidSession,
  input: { password: string; code: string },
  meta: RequestMeta,
) {
  await confirmPasswordAndCode(s, session, input, meta);
  const recoveryCodes = newRecoveryCodes();
  await changingSecondFactors(s.db, session.userId, async (tx) => {
    // The app may have gone since it was checked (a take-back, an admin's reset): then no codes.
    if (!(await findTotpFactor(tx, session.userId))?.confirmedAt) throw notEnabled();
    await replaceRecoveryCodes(tx, session.userId, recoveryCodes.map(recoveryCodeHash));
  });
  s.securityEvents.note({ type: "recovery_codes.regenerated", userId: session.userId, client: meta });
  return { recoveryCodes };
}

/** Turns the app off; the recovery codes go too unless a passkey remains. */
export async function disableTotp(s: Services, session: ValidSession, input: { password: string; code: string }, meta: RequestMeta) {
  await confirmPasswordAndCode(s, session, input, meta);
  await changingSecondFactors(s.db, session.userId, async (tx) => {
    await deleteTotpFactor(tx, session.userId);
    if (!(await refreshSecondFactorMark(tx, session.userId))) await deleteRecoveryCodes(tx, session.userId);
    await noticeSecondFactorChange(tx, session.userId, "app-removed");
  });
  s.mail.kickSoon();
  s.securityEvents.note({ type: "second_factor.disabled", userId: session.userId, client: meta, details: { method: "totp" } });
  return { ok: true as const };
}
