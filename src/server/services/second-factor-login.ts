// The log-in's second step (a ticket from second-factor-ticket.ts and a
// second factor), and the passkey log-in that needs no address at all.
// Either opens an aal2 session. A ticket is spent by one conditional UPDATE:
// of parallel right answers, one opens a session.
import { SECOND_FACTOR } from "@/shared/policy";
import { AppError } from "../app-error";
import { deviceCookieAfterLogIn, trustedDevice } from "../auth/device-cookie";
import { hashToken, newSecretToken } from "../auth/secret-token";
import { authenticationOptions } from "../auth/webauthn";
import {
  type ChallengePurpose,
  type ChallengeRow,
  findChallenge,
  insertChallenge,
  setChallengeOf,
  spendChallenge,
  takeChallengeTry,
} from "../db/auth-challenges";
import { findPasskeysOfUser } from "../db/passkeys";
import { countUnusedRecoveryCodes } from "../db/second-factors";
import { findLoginWithHash } from "../db/users";
import type { RequestMeta } from "../request-meta";
import { verifyPasskeyAssertion } from "./passkey-assertion";
import { proveSecondFactor, type SecondFactorProof, secondFactorInvalid } from "./second-factor-proof";
import type { Services } from "./service-container";
import { type IssuedSession, openSession, type SessionTokenForm } from "./sessions";

const ticketInvalid = () =>
  new AppError("TICKET_INVALID", "This log-in step has ended (used, expired or too many wrong codes). Log in with your password again.");

async function liveChallenge(s: Services, token: string, purpose: ChallengePurpose): Promise<ChallengeRow> {
  const row = await findChallenge(s.db, hashToken(token), purpose);
  if (!row || row.expiresAt.getTime() <= Date.now()) throw ticketInvalid();
  return row;
}

/** WebAuthn options for a ticket's passkey step: the account's own passkeys. */
export async function ticketPasskeyOptions(s: Services, ticket: string) {
  const row = await liveChallenge(s, ticket, "second-factor");
  const options = await authenticationOptions(s.config.APP_URL, await findPasskeysOfUser(s.db, row.userId!));
  await setChallengeOf(s.db, row.id, options.challenge);
  return options;
}

/**
 * Finishes a log-in with its ticket and one second factor; opens an aal2
 * session. The browser's device cookie (Set-Cookie) then vouches for the
 * second step too: its codes draw on a budget of their own from then on
 * (device-cookie.ts), which a password holder spending the account's cannot
 * touch.
 */
export async function completeSecondFactor(
  s: Services,
  input: { ticket: string } & SecondFactorProof,
  meta: RequestMeta,
  form: SessionTokenForm = "secret",
): Promise<IssuedSession & { deviceCookie: string | null }> {
  const row = await liveChallenge(s, input.ticket, "second-factor");
  const userId = row.userId!;
  // The try is counted before the check: parallel tries cannot pass the limit.
  if (!(await takeChallengeTry(s.db, row.id, SECOND_FACTOR.ticketTries, new Date()))) throw ticketInvalid();
  const login = await findLoginWithHash(s.db, userId);
  const key = await s.deviceKey();
  const device = login && meta.deviceCookie ? trustedDevice(key, meta.deviceCookie, login, "second-step") : null;
  const method = await proveSecondFactor(s, userId, input, meta, row.challenge, { device });
  if (!method) throw secondFactorInvalid({ triesLeft: Math.max(0, SECOND_FACTOR.ticketTries - row.tries - 1) });
  if (!(await spendChallenge(s.db, row.id, new Date()))) throw ticketInvalid();
  const session = await openSession(s, userId, meta, form, { aal: "aal2", method });
  if (method === "recovery") {
    const left = await countUnusedRecoveryCodes(s.db, userId);
    s.securityEvents.note({ type: "recovery_code.used", userId, client: meta, details: { left } });
  }
  const deviceCookie = login ? deviceCookieAfterLogIn(key, s.config.APP_URL, meta.deviceCookie, login, "second-step") : null;
  return { ...session, deviceCookie };
}

/** Options for a passkey log-in without an address: any discoverable passkey of this site. */
export async function passkeyLogInOptions(s: Services, meta: RequestMeta) {
  await s.rateLimits.consumePasskeyLogIn(meta);
  const options = await authenticationOptions(s.config.APP_URL, []);
  const challengeId = newSecretToken();
  const expiresAt = new Date(Date.now() + SECOND_FACTOR.passkeyCeremonySeconds * 1000);
  await insertChallenge(s.db, {
    tokenHash: hashToken(challengeId),
    purpose: "passkey-login",
    userId: null,
    challenge: options.challenge,
    expiresAt,
  });
  return { challengeId, options };
}

/** A passkey log-in (user verification required): two factors in one, an aal2 session. */
export async function logInWithPasskey(
  s: Services,
  input: { challengeId: string; passkey: NonNullable<SecondFactorProof["passkey"]> },
  meta: RequestMeta,
  form: SessionTokenForm = "secret",
): Promise<IssuedSession> {
  const row = await liveChallenge(s, input.challengeId, "passkey-login");
  // Spent first: one assertion, one try.
  if (!(await spendChallenge(s.db, row.id, new Date()))) throw ticketInvalid();
  const userId = await verifyPasskeyAssertion(s, input.passkey, row.challenge!);
  if (!userId) {
    s.securityEvents.note({ type: "login.failed", client: meta, details: { reason: "passkey" } });
    throw secondFactorInvalid();
  }
  return openSession(s, userId, meta, form, { aal: "aal2", method: "passkey" });
}
