// Checks a second factor of a user: a TOTP code (once per 30-second step,
// one step of drift), a recovery code (once; it mails its owner), or a
// passkey assertion against the challenge the caller issued. Used by the
// log-in's second step and by re-authentication. Like a password, a code is
// checked under a budget reserved before the check
// (RATE_LIMITS.secondFactorFailuresPerAccount), kept when the code is wrong
// and given back when it is right.
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import { AppError } from "../app-error";
import { recoveryCodeHash } from "../auth/recovery-codes";
import { matchTotp, openSecret } from "../auth/totp";
import type { SessionMethod } from "../db/login-statements";
import { acceptTotpStep, findTotpFactor, spendRecoveryCode } from "../db/second-factors";
import { inTransaction } from "../db/transactions";
import { findLoginEmail } from "../db/users";
import { enqueueMail } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import { verifyPasskeyAssertion } from "./passkey-assertion";
import type { Services } from "./service-container";

export const secondFactorInvalid = (details: { triesLeft?: number } = {}) =>
  new AppError("SECOND_FACTOR_INVALID", "That code is not right, or it was used already.", details);

/** One of these (the schemas refuse more or fewer; if several come, the first present is checked). */
export type SecondFactorProof = { totp?: string; recoveryCode?: string; passkey?: AuthenticationResponseJSON };

/** Whether an authenticator-app code is right and not used before (its step is then taken). */
export async function totpCodeIsRight(s: Services, userId: string, code: string): Promise<boolean> {
  const factor = await findTotpFactor(s.db, userId);
  if (!factor?.confirmedAt) return false;
  const step = matchTotp(openSecret(await s.totpKey(), factor.secret), code, Date.now());
  return step !== null && (await acceptTotpStep(s.db, userId, step));
}

/**
 * Spends a recovery code and queues the owner's notice in one transaction:
 * a code is never used up without its mail (the database failing between
 * the two would have lost it), and a mail never goes out for a code that was
 * not spent.
 */
async function spendRecoveryCodeAndTell(s: Services, userId: string, code: string): Promise<boolean> {
  const spent = await inTransaction(s.db, async (tx) => {
    if (!(await spendRecoveryCode(tx, userId, recoveryCodeHash(code), new Date()))) return false;
    const login = await findLoginEmail(tx, userId);
    if (login) await enqueueMail(tx, { kind: "recovery-code-used", to: login.email, userId });
    return true;
  });
  if (spent) s.mail.kickSoon();
  return spent;
}

/**
 * The method a proof passed by, or null when it is wrong. `challenge`: the
 * WebAuthn challenge the caller handed out for a passkey proof. `budget`: the
 * logged-in session giving the proof (re-authentication), or a browser that
 * finished this account's second step before, whose own budget it draws on
 * instead of the account's (the log-in's).
 */
export async function proveSecondFactor(
  s: Services,
  userId: string,
  proof: SecondFactorProof,
  meta: RequestMeta,
  challenge: string | null,
  budget: { sessionId: string } | { device: string | null } = { device: null },
): Promise<SessionMethod | null> {
  const reservation =
    "sessionId" in budget
      ? await s.rateLimits.reserveSessionSecondFactorAttempt(budget.sessionId, meta)
      : await s.rateLimits.reserveSecondFactorAttempt(userId, meta, budget.device);
  let method: SessionMethod | null;
  try {
    method = await check(s, userId, proof, challenge);
  } catch (error) {
    await reservation.giveBack();
    throw error;
  }
  if (method) await reservation.giveBack();
  else {
    const kind = proof.totp !== undefined ? "totp" : proof.recoveryCode !== undefined ? "recovery" : "passkey";
    s.securityEvents.note({ type: "second_factor.failed", userId, client: meta, details: { method: kind } });
  }
  return method;
}

async function check(s: Services, userId: string, proof: SecondFactorProof, challenge: string | null): Promise<SessionMethod | null> {
  if (proof.totp !== undefined) return (await totpCodeIsRight(s, userId, proof.totp)) ? "totp" : null;
  if (proof.recoveryCode !== undefined) return (await spendRecoveryCodeAndTell(s, userId, proof.recoveryCode)) ? "recovery" : null;
  if (!challenge || !proof.passkey) return null;
  const owner = await verifyPasskeyAssertion(s, proof.passkey, challenge);
  return owner === userId ? "passkey" : null;
}
