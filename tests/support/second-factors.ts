// Two-step verification in tests: an authenticator app that hands out the
// codes a phone would, a clock that moves forward for it, and accounts with
// an app set up, logged in through both steps.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { expect, type MockInstance, vi } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { totpCode, totpStep } from "@/server/auth/totp";
import { SECOND_FACTOR } from "@/shared/policy";
import { cookieValue, PASSWORD, seedUser } from "./accounts";
import type { TestApp } from "./test-app";

// The clock ----------------------------------------------------------------

const realNow = Date.now.bind(Date);
let offsetMs = 0;
let frozenAt: number | null = null;
let spy: MockInstance<() => number> | null = null;

function installClock(): void {
  spy ??= vi.spyOn(Date, "now").mockImplementation(() => frozenAt ?? realNow() + offsetMs);
}

/**
 * Moves Date.now (what the server reads to match a code, to expire a ticket
 * and to measure re-authentication) forward; `new Date()` keeps real time.
 * Call resetClock after each test (afterEach).
 */
export function advanceClock(ms: number): void {
  offsetMs += ms;
  if (frozenAt !== null) frozenAt += ms;
  installClock();
}

/** Stops Date.now where it is (until advanced or reset): a test that names steps around "now" cannot see the step change under it. */
export function freezeClock(): void {
  installClock();
  frozenAt = Date.now();
}

export function resetClock(): void {
  offsetMs = 0;
  frozenAt = null;
  spy?.mockRestore();
  spy = null;
}

// The authenticator app ------------------------------------------------------

const PERIOD_MS = SECOND_FACTOR.totpPeriodSeconds * 1000;

/**
 * An authenticator app holding a secret. The server accepts a code once, for
 * a step later than the last it accepted and within one step of its clock;
 * `next()` gives the code of the step after the last one handed out (never
 * behind the clock), moving the clock forward when that step would be more
 * than one step ahead. A code handed out counts as used, whether or not the
 * server took it.
 */
export class Authenticator {
  readonly secret: Uint8Array;
  /** The last step whose code was handed out. */
  lastStep: number;

  constructor(secretText: string, lastStep = 0) {
    this.secret = decodeBase32IgnorePadding(secretText.replace(/\s/g, ""));
    this.lastStep = lastStep;
  }

  static nowStep(): number {
    return totpStep(Date.now());
  }

  /** The code of a step, without handing it out. */
  codeAt(step: number): string {
    return totpCode(this.secret, step);
  }

  /** The code of a step `offset` steps from the current one, handed out. */
  at(offset: number): string {
    const step = Authenticator.nowStep() + offset;
    this.lastStep = Math.max(this.lastStep, step);
    return this.codeAt(step);
  }

  /** The next usable code (see above). */
  next(): string {
    const now = Authenticator.nowStep();
    const step = Math.max(this.lastStep + 1, now);
    if (step > now + 1) advanceClock((step - now - 1) * PERIOD_MS);
    this.lastStep = step;
    return this.codeAt(step);
  }

  /** Six digits that are no code of the steps around now. */
  wrong(): string {
    const now = Authenticator.nowStep();
    const near = new Set(Array.from({ length: 7 }, (_, i) => this.codeAt(now - 3 + i)));
    return ["000000", "111111", "222222"].find((code) => !near.has(code))!;
  }
}

// Accounts ---------------------------------------------------------------------

export type SecondFactorDue = { ticket: string; methods: string[]; expiresAt: string };

/** Sets up an authenticator app on a logged-in session (which becomes aal2): the app and the recovery codes. */
export async function enrolTotp(app: TestApp, token: string, password = PASSWORD) {
  const as = app.caller({ token });
  const started = await as.user.startTotp({ password });
  const authenticator = new Authenticator(started.secret);
  const { recoveryCodes } = await as.user.confirmTotp({ code: authenticator.next() });
  return { authenticator, recoveryCodes, secretText: started.secret };
}

/** session.create for an account with a second factor: the ticket (no session cookie may be set). */
export async function startLogIn(app: TestApp, email: string, init: Parameters<TestApp["caller"]>[0] = {}): Promise<SecondFactorDue> {
  const resHeaders = new Headers();
  const result = await app.caller({ ...init, resHeaders }).session.create({ email, password: PASSWORD });
  if (!("secondFactor" in result)) throw new Error(`expected a second step, got a session: ${JSON.stringify(result)}`);
  expect(cookieValue(resHeaders, "session")).toBeNull();
  return result.secondFactor;
}

/** The second step, through tRPC: the new session's token and what the API answered. */
export async function finishLogIn(
  app: TestApp,
  ticket: string,
  proof: { totp: string } | { recoveryCode: string },
  init: Parameters<TestApp["caller"]>[0] = {},
) {
  const resHeaders = new Headers();
  const session = await app.caller({ ...init, resHeaders }).session.completeSecondFactor({ ticket, ...proof });
  const token = cookieValue(resHeaders, "session");
  if (!token) throw new Error("the second step set no session cookie");
  return { token, session };
}

/** Both steps with the app's next code: the token of an aal2 session. */
export async function logInWithTotp(app: TestApp, email: string, authenticator: Authenticator): Promise<string> {
  const { ticket } = await startLogIn(app, email);
  return (await finishLogIn(app, ticket, { totp: authenticator.next() })).token;
}

/**
 * A verified user with an authenticator app set up in a logged-in session
 * (now aal2): the user, that session's token, the app and the recovery codes.
 */
export async function userWithTotp(app: TestApp, options: Parameters<typeof seedUser>[1] = {}) {
  const user = await seedUser(app, options);
  const resHeaders = new Headers();
  await app.caller({ resHeaders }).session.create({ email: user.email, password: PASSWORD });
  const token = cookieValue(resHeaders, "session")!;
  const enrolled = await enrolTotp(app, token);
  return { user, token, ...enrolled };
}

/** Moves a ticket's end into the past, as if its 5 minutes had gone by. */
export async function expireTicket(app: TestApp, ticket: string): Promise<void> {
  const { count } = await app.db.authChallenge.updateMany({
    where: { tokenHash: hashToken(ticket) },
    data: { expiresAt: new Date(realNow() - 1000) },
  });
  expect(count).toBe(1);
}

/** What a user has of two-step verification, as stored: to compare before and after a call. */
export async function secondFactorState(app: TestApp, userId: string) {
  const [user, totp, recoveryCodes, passkeys] = await Promise.all([
    app.db.user.findUniqueOrThrow({ where: { id: userId }, select: { secondFactor: true } }),
    app.db.totpFactor.findUnique({ where: { userId }, select: { secret: true, confirmedAt: true, lastStep: true } }),
    app.db.recoveryCode.findMany({ where: { userId }, orderBy: { codeHash: "asc" }, select: { codeHash: true, usedAt: true } }),
    app.db.passkey.findMany({ where: { userId }, orderBy: { id: "asc" }, select: { id: true, name: true } }),
  ]);
  return { mark: user.secondFactor, totp, recoveryCodes, passkeys };
}

let passkeyCounter = 0;

/** A passkey row (no real WebAuthn registration: the browser tests cover that). */
export async function insertPasskey(app: TestApp, userId: string, name = "Test key") {
  passkeyCounter++;
  const row = await app.db.passkey.create({
    data: {
      userId,
      name,
      credentialId: Buffer.from(`credential-${process.pid}-${passkeyCounter}-${realNow()}`).toString("base64url"),
      publicKey: Buffer.from(`public-key-${passkeyCounter}`).toString("base64url"),
    },
  });
  await app.db.user.update({ where: { id: userId }, data: { secondFactor: true } });
  return row;
}

/** Makes a session look as if its user last proved who they are this long ago. */
export async function ageSession(app: TestApp, token: string, ms: number): Promise<void> {
  const { count } = await app.db.session.updateMany({
    where: { tokenHash: hashToken(token) },
    data: { authenticatedAt: new Date(realNow() - ms) },
  });
  expect(count).toBe(1);
}

/** Marks a session as two-factor (aal2, by passkey), as a session that added or used the account's factor is. */
export async function twoFactorSession(app: TestApp, token: string): Promise<void> {
  const { count } = await app.db.session.updateMany({ where: { tokenHash: hashToken(token) }, data: { aal: "aal2", method: "passkey" } });
  expect(count).toBe(1);
}
