// Sessions: log in, validate, log out. A session is a random bearer token
// whose SHA-256 is the only thing stored; it lasts SESSION_TTL_SECONDS from
// creation (absolute), and an expired one is deleted when it is presented.
// Tokens come in two forms (SessionTokenForm), both from the CSPRNG and both
// validated the same way: only the hash is ever looked up.
import { randomUUID } from "node:crypto";
import { AppError, sessionInvalid } from "../app-error";
import { clientAddressKey } from "../auth/client-address-key";
import { deviceCookieAfterLogIn, trustedDevice } from "../auth/device-cookie";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "../auth/password";
import type { Reservation } from "../auth/rate-limits";
import { hashToken, newSecretToken } from "../auth/secret-token";
import type { Db } from "../db/client";
import { type Assurance, insertSession, type LoginRow, type NewSessionRow, readLogIn, readLogInTaking } from "../db/login-statements";
import type { TakenRow } from "../db/rate-limit-store";
import { flagsFromRaw, type UserFlagsRow } from "../db/selects";
import {
  deleteSessionById,
  deleteSessionByTokenHash,
  findSessionWithFlagsByTokenHash,
  insertSessionIn,
  touchSession,
} from "../db/sessions";
import { updatePasswordHashIfUnchanged } from "../db/users";
import type { RequestMeta } from "../request-meta";
import { queueConfirmationLink } from "./confirmation-link";
import { secondFactorRequired } from "./second-factor-required";
import { issueSecondFactorTicket, type SecondFactorDue } from "./second-factor-ticket";
import type { Services } from "./service-container";

type Tx = Pick<Db, "$executeRaw">;

export type IssuedSession = { token: string; userId: string; expiresAt: Date } & Assurance;
/** A valid session and its user's flags, read in one query. */
export type ValidSession = {
  id: string;
  userId: string;
  expiresAt: Date;
  user: UserFlagsRow;
  /** Its assurance level and how it was reached. */
  aal: Assurance["aal"];
  method: Assurance["method"];
  /** When its user last proved who they are in it (null: not recorded, taken as long ago). */
  authenticatedAt: Date | null;
};

const ONE_FACTOR: Assurance = { aal: "aal1", method: "password" };

/** lastUsedAt is refreshed at most this often, to keep validation read-mostly. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * How a new session's token is spelled: "secret" is 32 random bytes in
 * base64url (tRPC, seed 000, the pages); "guid" is a UUID v4 (122 random
 * bits), for seed 002, whose clients type the session as a Guid.
 */
export type SessionTokenForm = "secret" | "guid";

/** A new session: the token for the client and the row to store (its hash only). */
function newSession(
  ttlSeconds: number,
  userId: string,
  meta: RequestMeta,
  form: SessionTokenForm,
  assurance: Assurance,
): { issued: IssuedSession; row: NewSessionRow } {
  const token = form === "secret" ? newSecretToken() : randomUUID();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const row: NewSessionRow = {
    id: randomUUID(),
    tokenHash: hashToken(token),
    userId,
    createdAt: now,
    expiresAt,
    lastUsedAt: now,
    ip: meta.ip?.slice(0, 64) ?? null,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    aal: assurance.aal,
    method: assurance.method,
    // A mailed link proves the mailbox, not the person: such a session is no
    // recent proof for a sensitive change (services/reauthentication.ts).
    authenticatedAt: assurance.method === "link" ? null : now,
  };
  return { issued: { token, userId, expiresAt, ...assurance }, row };
}

/** Opens a session inside a transaction (an email confirmation logs in). */
export async function issueSession(
  tx: Tx,
  ttlSeconds: number,
  userId: string,
  meta: RequestMeta,
  form: SessionTokenForm = "secret",
  assurance: Assurance = ONE_FACTOR,
): Promise<IssuedSession> {
  const { issued, row } = newSession(ttlSeconds, userId, meta, form, assurance);
  await insertSessionIn(tx, row);
  return issued;
}

/** Opens a session on the log-in path (after the password, or a second factor, or a passkey). */
export async function openSession(
  s: Services,
  userId: string,
  meta: RequestMeta,
  form: SessionTokenForm,
  assurance: Assurance,
  /** A password attempt's points, given back in the same commit as the session. */
  reservation?: Reservation,
  /** The hash a password was checked against: the session is stored only while the login still has it. */
  checkedHash?: string,
): Promise<IssuedSession> {
  const { issued, row } = newSession(s.config.SESSION_TTL_SECONDS, userId, meta, form, assurance);
  const giveBack = reservation?.givenBackBy();
  const stored = await insertSession(s.db, row, giveBack ? [giveBack.write] : [], checkedHash);
  giveBack?.done();
  // The password changed (a reset, another session) while this one was checked, or the account gained a
  // second factor meanwhile (login-statements.ts): this log-in is refused; tried again, it asks for the factor.
  if (!stored) throw invalidCredentials();
  s.securityEvents.note({ type: "login.succeeded", userId, client: meta, details: { sessionId: row.id, method: assurance.method } });
  return issued;
}

const invalidCredentials = () => new AppError("INVALID_CREDENTIALS", "The email address or password is not correct.");

/**
 * Checks a password under the log-in budgets (rate-limits.ts): one point is
 * taken from each budget before argon2 runs, kept when the password is wrong,
 * given back when it is right or could not be checked (the hashing queue was
 * full). `login` undefined: an unknown address, checked against a dummy hash
 * so it costs the same. A browser whose device cookie is trusted for the
 * account draws on its own budget instead (auth/device-cookie.ts). A wrong
 * password is a security event: a failed log-in, or (`purpose` "confirm", the
 * current password of an account change) a failed confirmation.
 */
export async function checkPassword(
  s: Services,
  email: string,
  login: { userId: string; passwordHash: string } | undefined,
  password: string,
  meta: RequestMeta,
  /** The logged-in session confirming a change with it: its own budget is spent, not the log-in's. */
  sessionId: string,
): Promise<boolean> {
  const reservation = await checkPasswordHolding(s, email, login, password, meta, { confirmIn: sessionId });
  await reservation?.giveBack();
  return reservation !== null;
}

/**
 * checkPassword, but a right password's points are still held: the caller
 * gives them back (Reservation.giveBack, or with the session it opens). Null
 * for a wrong password.
 */
async function checkPasswordHolding(
  s: Services,
  email: string,
  login: { userId: string; passwordHash: string } | undefined,
  password: string,
  meta: RequestMeta,
  purpose: "log-in" | { confirmIn: string },
  /** The rows of the attempt's take, run already with the login's read (a log-in without a device cookie). */
  taken?: TakenRow[],
): Promise<Reservation | null> {
  const device = login && meta.deviceCookie ? trustedDevice(await s.deviceKey(), meta.deviceCookie, login) : null;
  const reservation =
    purpose === "log-in"
      ? await s.rateLimits.reservePasswordAttempt({ email, ip: meta.ip, userAgent: meta.userAgent, device }, taken)
      : await s.rateLimits.reserveSessionPasswordAttempt(purpose.confirmIn, meta);
  let ok: boolean;
  try {
    // A browser known to the account goes ahead of the hashing queue: a flood from elsewhere cannot starve it.
    // Its place ahead is the account's, once every few seconds (hash-pool.ts).
    const owner = { client: clientAddressKey(meta.ip), priority: device !== null, ...(login ? { priorityKey: login.userId } : {}) };
    ok = login ? await verifyPassword(login.passwordHash, password, owner) : await verifyAgainstDummy(password, owner);
  } catch (error) {
    await reservation.giveBack();
    throw error;
  }
  if (ok) return reservation;
  // An unknown address is not stored or logged: it may be a mistyped password.
  const knownDevice = device !== null;
  const userId = login?.userId;
  s.securityEvents.note(
    purpose !== "log-in"
      ? { type: "password.confirm_failed", userId, client: meta, details: { knownDevice } }
      : { type: "login.failed", userId, client: meta, details: { reason: login ? "wrong_password" : "unknown_address", knownDevice } },
  );
  return null;
}

/**
 * The outcome of a right password: a session, or (the account has a second
 * factor) a ticket for the second step. Either way the browser's device
 * cookie (Set-Cookie) is now trusted for the account: it knew the password.
 */
export type LoggedIn = ({ session: IssuedSession; secondFactor?: undefined } | { session?: undefined; secondFactor: SecondFactorDue }) & {
  deviceCookie: string;
};

/** Checks an email and password and opens a session, or asks for the second factor. */
export async function logIn(
  s: Services,
  input: { email: string; password: string },
  meta: RequestMeta,
  form: SessionTokenForm = "secret",
  options: { secondStep: boolean } = { secondStep: true },
): Promise<LoggedIn> {
  // The log-in path runs its statements on the driver (db/login-statements.ts).
  // Without a device cookie the budgets do not depend on the login row, so
  // the row is read with their points taken (one round trip on PostgreSQL).
  let login: LoginRow | undefined;
  let taken: TakenRow[] | undefined;
  if (meta.deviceCookie) login = await readLogIn(s.db, input.email);
  else {
    const take = s.rateLimits.passwordAttemptTake({ email: input.email, ip: meta.ip, userAgent: meta.userAgent, device: null });
    ({ login, taken } = await readLogInTaking(s.db, input.email, take));
  }
  const reservation = await checkPasswordHolding(s, input.email, login, input.password, meta, "log-in", taken);
  if (!reservation || !login) throw invalidCredentials();
  if (!login.verified) {
    // Answered as a wrong password is, its points kept too: whoever registered
    // an address with their own password could otherwise tell, by logging in
    // with it, whether the address was free or someone's account. The
    // address gets a fresh confirmation link instead.
    s.securityEvents.note({ type: "login.failed", userId: login.userId, client: meta, details: { reason: "email_not_verified" } });
    // Not awaited, and never failing the answer: its statements would set
    // this answer apart from a wrong password's in time. Under limits that
    // never answer: a point off the client's resend budget would show later.
    void queueConfirmationLink(s, input.email, meta, "silently").catch(() => undefined);
    throw invalidCredentials();
  }
  try {
    return await afterRightPassword(s, login, input.password, meta, form, options, reservation);
  } finally {
    // Given back with the new session, or here on every other way out.
    await reservation.giveBack();
  }
}

async function afterRightPassword(
  s: Services,
  login: LoginRow,
  password: string,
  meta: RequestMeta,
  form: SessionTokenForm,
  options: { secondStep: boolean },
  reservation: Reservation,
): Promise<LoggedIn> {
  // Hashes made with older parameters are upgraded while the password is at hand.
  let passwordHash = login.passwordHash;
  if (needsRehash(passwordHash)) {
    const rehashed = await hashPassword(password, { client: clientAddressKey(meta.ip) });
    // Not if the password changed meanwhile: then the session below is not stored either.
    if (await updatePasswordHashIfUnchanged(s.db, login.userId, login.passwordHash, rehashed)) passwordHash = rehashed;
  }
  const deviceCookie = deviceCookieAfterLogIn(await s.deviceKey(), s.config.APP_URL, meta.deviceCookie, {
    userId: login.userId,
    passwordHash,
  });
  if (login.secondFactor) {
    // An API without a second step gets no ticket it could not use.
    if (!options.secondStep) throw secondFactorRequired("no-second-step");
    return { secondFactor: await issueSecondFactorTicket(s, login.userId), deviceCookie };
  }
  return { session: await openSession(s, login.userId, meta, form, ONE_FACTOR, reservation, passwordHash), deviceCookie };
}

/**
 * logIn for an API without a second step of its own: a right password for an
 * account with a second factor answers SECOND_FACTOR_REQUIRED, carrying the
 * ticket (seed 000 finishes it at /session/second-factor).
 */
export async function logInOrRefer(
  s: Services,
  input: { email: string; password: string },
  meta: RequestMeta,
  form: SessionTokenForm = "secret",
  options: { secondStep: boolean } = { secondStep: true },
): Promise<IssuedSession & { deviceCookie: string }> {
  const result = await logIn(s, input, meta, form, options);
  if (result.secondFactor) throw secondFactorRequired(result.secondFactor);
  return { ...result.session, deviceCookie: result.deviceCookie };
}

/** The session a token names, or SESSION_INVALID. Deletes it when expired. */
export async function validateSession(s: Services, token: string | null): Promise<ValidSession> {
  if (!token) throw sessionInvalid();
  const tokenHash = hashToken(token);
  // The hot path of every authenticated request: one statement (db/sessions.ts).
  const row = await findSessionWithFlagsByTokenHash(s.db, tokenHash);
  const session = row && {
    id: row.sessionId,
    userId: row.id,
    expiresAt: new Date(row.expiresAt),
    lastUsedAt: new Date(row.lastUsedAt),
    user: flagsFromRaw(row),
    aal: row.aal === "aal2" ? ("aal2" as const) : ("aal1" as const),
    method: row.method as Assurance["method"],
    authenticatedAt: row.authenticatedAt === null ? null : new Date(row.authenticatedAt),
  };
  if (!session) throw sessionInvalid();
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await deleteSessionById(s.db, session.id);
    throw sessionInvalid();
  }
  if (now - session.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await touchSession(s.db, session.id, new Date(now));
  }
  const { lastUsedAt: _lastUsedAt, ...valid } = session;
  return valid;
}

/**
 * validateSession for a request that carried the token in a cookie:
 * `clearCookie` runs when the token names no valid session, and only then (a
 * database that is briefly down must not log browsers out).
 */
export async function validateSessionOrClear(s: Services, token: string | null, clearCookie: () => void): Promise<ValidSession> {
  try {
    return await validateSession(s, token);
  } catch (error) {
    if (token && error instanceof AppError && error.appCode === "SESSION_INVALID") clearCookie();
    throw error;
  }
}

/** Revokes the session a token names, valid or expired (log-out). */
export async function revokeSession(s: Services, token: string | null, meta: RequestMeta): Promise<void> {
  if (!token) throw sessionInvalid();
  const ended = await deleteSessionByTokenHash(s.db, hashToken(token));
  if (!ended) throw sessionInvalid();
  s.securityEvents.note({ type: "session.logged_out", userId: ended.userId, client: meta, details: { sessionId: ended.id } });
}
