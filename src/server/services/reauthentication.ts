// Sensitive changes (second factors, passkeys, other sessions; an admin's
// grant of admin, deletion of an account or reset of its second factors; the
// email address, password and one's own deletion always ask for the
// password) need the user to prove who they are again: the password or an authenticator-app code in the same request,
// or a session that did so within the last 10 minutes. A password or code
// given restarts those 10 minutes.
import { SECOND_FACTOR } from "@/shared/policy";
import { AppError, sessionInvalid } from "../app-error";
import { markSessionAuthenticated } from "../db/sessions";
import { findLoginWithHash } from "../db/users";
import type { RequestMeta } from "../request-meta";
import { proveSecondFactor, secondFactorInvalid } from "./second-factor-proof";
import type { Services } from "./service-container";
import { checkPassword, type ValidSession } from "./sessions";

const wrongPassword = () => new AppError("WRONG_PASSWORD", "Your current password is not correct.");

/**
 * Checks the caller's password; wrong guesses count against the session's own
 * budget (passwordFailuresPerSession), never the account's log-in budgets.
 */
export async function confirmPassword(s: Services, session: Pick<ValidSession, "id" | "userId">, password: string, meta: RequestMeta) {
  const login = await findLoginWithHash(s.db, session.userId);
  if (!login) throw sessionInvalid();
  if (!(await checkPassword(s, login.email, login, password, meta, session.id))) throw wrongPassword();
  return login;
}

/** Whether the session proved its user within the re-authentication window. */
export function recentlyAuthenticated(session: Pick<ValidSession, "authenticatedAt">, nowMs = Date.now()): boolean {
  return session.authenticatedAt !== null && nowMs - session.authenticatedAt.getTime() < SECOND_FACTOR.reauthenticationSeconds * 1000;
}

export type Reauthentication = { password?: string | undefined; code?: string | undefined };

/**
 * Whether the request proves the user (password, else code; a wrong one
 * throws) or the session did so within the window. A proof given restarts the
 * window. For a change that needs the proof only in some cases (granting
 * admin among other flags): the caller decides once it knows.
 */
export async function isProved(s: Services, session: ValidSession, proof: Reauthentication, meta: RequestMeta): Promise<boolean> {
  if (proof.password !== undefined) await confirmPassword(s, session, proof.password, meta);
  else if (proof.code !== undefined) {
    if (!(await proveSecondFactor(s, session.userId, { totp: proof.code }, meta, null, { sessionId: session.id })))
      throw secondFactorInvalid();
  } else return recentlyAuthenticated(session);
  await markSessionAuthenticated(s.db, session.id, new Date());
  return true;
}

export const reauthenticationRequired = (what = "make this change") =>
  new AppError("REAUTHENTICATION_REQUIRED", `Enter your password (or a code from your authenticator app) to ${what}.`);

/** Passes when the request proves the user (password, else code) or the session did so recently; else refuses. */
export async function reauthenticate(
  s: Services,
  session: ValidSession,
  proof: Reauthentication,
  meta: RequestMeta,
  what?: string,
): Promise<void> {
  if (!(await isProved(s, session, proof, meta))) throw reauthenticationRequired(what);
}

/**
 * A change whose effect outlives a password reset (a new passkey logs in
 * without the password): the password or a code in this very request, however
 * recently the session proved its user. A cookie stolen minutes after a
 * log-in could otherwise add a passkey, and the owner's reset would then leave
 * them asked for a passkey only the thief has.
 */
export async function reauthenticateInRequest(
  s: Services,
  session: ValidSession,
  proof: Reauthentication,
  meta: RequestMeta,
  what: string,
) {
  if (proof.password === undefined && proof.code === undefined) throw reauthenticationRequired(what);
  await reauthenticate(s, session, proof, meta);
}
