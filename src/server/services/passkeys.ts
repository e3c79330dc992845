// Passkeys on the account page: add one (after re-authentication), name it,
// see when it was last used, remove it. Adding one raises the current
// session to aal2. The WebAuthn ceremony's challenge is stored (hashed id,
// 5 minutes, single use) between the options and the browser's answer.
import { SECOND_FACTOR } from "@/shared/policy";
import { AppError, sessionInvalid } from "../app-error";
import { hashToken, newSecretToken } from "../auth/secret-token";
import { type RegistrationResponseJSON, registrationOptions, verifyRegistration } from "../auth/webauthn";
import { findChallenge, insertChallenge, spendChallenge, trimChallengesOf } from "../db/auth-challenges";
import { isUniqueViolation } from "../db/errors";
import {
  countPasskeysOfUser,
  deletePasskeyOfUser,
  findPasskeysOfUser,
  insertPasskey,
  listPasskeysOfUser,
  renamePasskeyOfUser,
} from "../db/passkeys";
import { changingSecondFactors } from "../db/second-factor-lock";
import { countUnusedRecoveryCodes, findTotpFactor, refreshSecondFactorMark } from "../db/second-factors";
import { raiseSessionAssurance } from "../db/sessions";
import { findLoginEmail } from "../db/users";
import type { RequestMeta } from "../request-meta";
import { assertMayAddFactor, assertNoFactorAddedSince } from "./another-factor";
import { type Reauthentication, reauthenticate, reauthenticateInRequest } from "./reauthentication";
import { noticeSecondFactorChange } from "./second-factor-notice";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

const rejected = (why: string) => new AppError("PASSKEY_REJECTED", `The passkey was not added: ${why}`);
const passkeyNotFound = () => new AppError("PASSKEY_NOT_FOUND", "You have no passkey with this id.");

/** What the account page shows of a user's second factors. */
export async function secondFactorsView(s: Services, userId: string) {
  const [totp, recoveryCodesLeft, passkeys] = await Promise.all([
    findTotpFactor(s.db, userId),
    countUnusedRecoveryCodes(s.db, userId),
    listPasskeysOfUser(s.db, userId),
  ]);
  return {
    totp: { enabled: Boolean(totp?.confirmedAt), since: totp?.confirmedAt?.toISOString() ?? null },
    recoveryCodesLeft,
    passkeys: passkeys.map((p) => ({ ...p, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null })),
  };
}

export async function passkeyRegistrationOptions(s: Services, session: ValidSession, proof: Reauthentication, meta: RequestMeta) {
  await reauthenticateInRequest(s, session, proof, meta, "add a passkey");
  // A code given above was checked: it proves the account's app.
  await assertMayAddFactor(s, session, proof.password === undefined && proof.code !== undefined);
  if ((await countPasskeysOfUser(s.db, session.userId)) >= SECOND_FACTOR.passkeysPerUser) {
    throw rejected(`an account holds at most ${SECOND_FACTOR.passkeysPerUser}; remove one first.`);
  }
  const login = await findLoginEmail(s.db, session.userId);
  if (!login) throw sessionInvalid();
  const existing = await findPasskeysOfUser(s.db, session.userId);
  const options = await registrationOptions(
    s.config.APP_URL,
    { id: session.userId, email: login.email, name: session.user.name },
    existing,
  );
  const challengeId = newSecretToken();
  // A few registrations open at once per user (tabs, retries): a session asking in a loop stores a few rows, not thousands.
  await trimChallengesOf(s.db, session.userId, "passkey-register", SECOND_FACTOR.passkeyRegistrationsOpen - 1);
  await insertChallenge(s.db, {
    tokenHash: hashToken(challengeId),
    purpose: "passkey-register",
    userId: session.userId,
    challenge: options.challenge,
    expiresAt: new Date(Date.now() + SECOND_FACTOR.passkeyCeremonySeconds * 1000),
  });
  return { challengeId, options };
}

export async function addPasskey(
  s: Services,
  session: ValidSession,
  input: { challengeId: string; name: string; passkey: RegistrationResponseJSON },
  meta: RequestMeta,
) {
  const row = await findChallenge(s.db, hashToken(input.challengeId), "passkey-register");
  if (!row || row.userId !== session.userId || !(await spendChallenge(s.db, row.id, new Date()))) {
    throw rejected("the request expired; start again.");
  }
  const credential = await verifyRegistration(s.config.APP_URL, input.passkey, row.challenge!);
  if (!credential) throw rejected("the authenticator's answer did not verify (user verification is required).");
  const created = await changingSecondFactors(s.db, session.userId, async (tx) => {
    await assertNoFactorAddedSince(tx, session, row.createdAt);
    // Ended since it was checked (a log-out elsewhere, a take-back): it adds nothing.
    if (!(await raiseSessionAssurance(tx, session.id, "passkey", new Date()))) throw sessionInvalid();
    const passkey = await insertPasskey(tx, { userId: session.userId, name: input.name, ...credential });
    await refreshSecondFactorMark(tx, session.userId);
    await noticeSecondFactorChange(tx, session.userId, "passkey-added", input.name);
    return passkey;
  }).catch((error: unknown) => {
    throw isUniqueViolation(error) ? rejected("this passkey is registered already.") : error;
  });
  s.mail.kickSoon();
  s.securityEvents.note({ type: "passkey.added", userId: session.userId, client: meta, details: { passkeyId: created.id } });
  return { id: created.id };
}

export async function renamePasskey(s: Services, session: ValidSession, input: { id: string; name: string }) {
  if (!(await renamePasskeyOfUser(s.db, session.userId, input.id, input.name))) throw passkeyNotFound();
  return { ok: true as const };
}

export async function removePasskey(s: Services, session: ValidSession, input: { id: string } & Reauthentication, meta: RequestMeta) {
  await reauthenticate(s, session, input, meta);
  await changingSecondFactors(s.db, session.userId, async (tx) => {
    if (!(await deletePasskeyOfUser(tx, session.userId, input.id))) throw passkeyNotFound();
    await refreshSecondFactorMark(tx, session.userId);
    await noticeSecondFactorChange(tx, session.userId, "passkey-removed");
  });
  s.mail.kickSoon();
  s.securityEvents.note({ type: "passkey.removed", userId: session.userId, client: meta, details: { passkeyId: input.id } });
  return { ok: true as const };
}
