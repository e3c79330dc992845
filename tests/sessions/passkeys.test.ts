// Passkeys against the real WebAuthn verification, with a software
// authenticator (support/soft-authenticator.ts): adding one, logging in with
// it without an address, answering a password log-in's ticket with it, and
// every way an assertion or registration must be refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RATE_LIMITS, SECOND_FACTOR } from "@/shared/policy";
import { cookieValue, PASSWORD, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { insertPasskey, twoFactorSession } from "../support/second-factors";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** A signed-in user with one passkey on a new software authenticator. */
async function userWithPasskey(authenticator = new SoftAuthenticator(app.config.APP_URL)) {
  const { user, token } = await signedIn(app);
  const caller = app.caller({ token });
  const { challengeId, options } = await caller.user.passkeyRegistrationOptions({ password: PASSWORD });
  const { id } = await caller.user.addPasskey({ challengeId, name: "Laptop", passkey: authenticator.register(options) });
  return { user, token, authenticator, passkeyId: id };
}

describe("adding a passkey", () => {
  it("stores it, marks the user as having a second factor and raises the session to aal2", async () => {
    const { user, token, passkeyId } = await userWithPasskey();
    const caller = app.caller({ token });
    expect(await caller.session.validate()).toMatchObject({ aal: "aal2", method: "passkey" });
    const factors = await caller.user.secondFactors();
    expect(factors.passkeys).toEqual([{ id: passkeyId, name: "Laptop", createdAt: expect.any(String), lastUsedAt: null }]);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: user.id } })).secondFactor).toBe(true);
  });

  it("refuses an authenticator without user verification, and leaves nothing behind", async () => {
    const { user, token } = await signedIn(app);
    const caller = app.caller({ token });
    const { challengeId, options } = await caller.user.passkeyRegistrationOptions({ password: PASSWORD });
    const unverified = new SoftAuthenticator(app.config.APP_URL, false);
    await expectAppError(
      caller.user.addPasskey({ challengeId, name: "Key", passkey: unverified.register(options) }),
      "BAD_REQUEST",
      "PASSKEY_REJECTED",
    );
    expect(await app.db.passkey.count({ where: { userId: user.id } })).toBe(0);
    expect(await caller.session.validate()).toMatchObject({ aal: "aal1" });
  });

  it("refuses a registration made for another origin, a spent challenge, and another user's challenge", async () => {
    const { user, token } = await signedIn(app);
    const caller = app.caller({ token });
    const authenticator = new SoftAuthenticator(app.config.APP_URL);
    const first = await caller.user.passkeyRegistrationOptions({ password: PASSWORD });
    await expectAppError(
      caller.user.addPasskey({
        challengeId: first.challengeId,
        name: "Phish",
        passkey: authenticator.register(first.options, "https://evil.example"),
      }),
      "BAD_REQUEST",
      "PASSKEY_REJECTED",
    );
    // The challenge was spent by that attempt.
    await expectAppError(
      caller.user.addPasskey({ challengeId: first.challengeId, name: "Again", passkey: authenticator.register(first.options) }),
      "BAD_REQUEST",
      "PASSKEY_REJECTED",
    );
    const mine = await caller.user.passkeyRegistrationOptions({ password: PASSWORD });
    const other = await signedIn(app);
    await expectAppError(
      app
        .caller({ token: other.token })
        .user.addPasskey({ challengeId: mine.challengeId, name: "Theirs", passkey: authenticator.register(mine.options) }),
      "BAD_REQUEST",
      "PASSKEY_REJECTED",
    );
    expect(await app.db.passkey.count({ where: { userId: { in: [user.id, other.user.id] } } })).toBe(0);
  });

  it(`keeps at most ${SECOND_FACTOR.passkeyRegistrationsOpen} registrations open per user: a newer one ends the oldest, no one else's`, async () => {
    const { user, token } = await signedIn(app);
    const other = await signedIn(app);
    const theirs = await app.caller({ token: other.token }).user.passkeyRegistrationOptions({ password: PASSWORD });
    const caller = app.caller({ token });
    const open = SECOND_FACTOR.passkeyRegistrationsOpen;
    const asked = [];
    for (let i = 0; i < open + 2; i++) asked.push(await caller.user.passkeyRegistrationOptions({ password: PASSWORD }));
    expect(await app.db.authChallenge.count({ where: { userId: user.id, purpose: "passkey-register" } })).toBe(open);
    const authenticator = new SoftAuthenticator(app.config.APP_URL);
    await expectAppError(
      caller.user.addPasskey({ challengeId: asked[0]!.challengeId, name: "Old", passkey: authenticator.register(asked[0]!.options) }),
      "BAD_REQUEST",
      "PASSKEY_REJECTED",
    );
    const newest = asked.at(-1)!;
    await caller.user.addPasskey({ challengeId: newest.challengeId, name: "New", passkey: authenticator.register(newest.options) });
    await app.caller({ token: other.token }).user.addPasskey({
      challengeId: theirs.challengeId,
      name: "Theirs",
      passkey: new SoftAuthenticator(app.config.APP_URL).register(theirs.options),
    });
  });

  it(`holds at most ${SECOND_FACTOR.passkeysPerUser} passkeys per account`, async () => {
    const { user, token } = await signedIn(app);
    for (let i = 0; i < SECOND_FACTOR.passkeysPerUser - 1; i++) await insertPasskey(app, user.id);
    await twoFactorSession(app, token); // as the session that added them would be
    const caller = app.caller({ token });
    const last = await caller.user.passkeyRegistrationOptions({ password: PASSWORD });
    await caller.user.addPasskey({
      challengeId: last.challengeId,
      name: "Last",
      passkey: new SoftAuthenticator(app.config.APP_URL).register(last.options),
    });
    await expectAppError(caller.user.passkeyRegistrationOptions({ password: PASSWORD }), "BAD_REQUEST", "PASSKEY_REJECTED");
    expect(await app.db.passkey.count({ where: { userId: user.id } })).toBe(SECOND_FACTOR.passkeysPerUser);
  });

  it("a passkey's name refuses control and bidi characters, and nothing is renamed", async () => {
    const { token, passkeyId } = await userWithPasskey();
    for (const name of ["Lap\u0000top", "Lap\u202Etop", "Lap\u0007top", ""]) {
      await expectAppError(app.caller({ token }).user.renamePasskey({ id: passkeyId, name }), "BAD_REQUEST", "VALIDATION_FAILED");
    }
    expect((await app.db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).name).toBe("Laptop");
  });

  it("names, renames and removes only the caller's own passkeys", async () => {
    const a = await userWithPasskey();
    const b = await userWithPasskey();
    await expectAppError(
      app.caller({ token: b.token }).user.renamePasskey({ id: a.passkeyId, name: "Mine" }),
      "NOT_FOUND",
      "PASSKEY_NOT_FOUND",
    );
    await expectAppError(app.caller({ token: b.token }).user.removePasskey({ id: a.passkeyId }), "NOT_FOUND", "PASSKEY_NOT_FOUND");
    await app.caller({ token: a.token }).user.renamePasskey({ id: a.passkeyId, name: "Phone" });
    expect((await app.db.passkey.findUniqueOrThrow({ where: { id: a.passkeyId } })).name).toBe("Phone");
    await app.caller({ token: a.token }).user.removePasskey({ id: a.passkeyId });
    expect(await app.db.passkey.count({ where: { id: { in: [a.passkeyId, b.passkeyId] } } })).toBe(1);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: a.user.id } })).secondFactor).toBe(false);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: b.user.id } })).secondFactor).toBe(true);
  });
});

describe("logging in with a passkey, no address typed", () => {
  it("opens an aal2 session for the passkey's owner and records the use", async () => {
    const { user, authenticator, passkeyId } = await userWithPasskey();
    const anonymous = app.caller();
    const { challengeId, options } = await anonymous.session.passkeyOptions();
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const resHeaders = new Headers();
    const session = await app.caller({ resHeaders }).session.createWithPasskey({ challengeId, passkey: authenticator.assert(options) });
    expect(session).toMatchObject({ userId: user.id, aal: "aal2", method: "passkey" });
    const token = cookieValue(resHeaders, "session")!;
    // A session token like every other log-in's: 32 random bytes in base64url.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id, aal: "aal2" });
    expect((await app.db.passkey.findUniqueOrThrow({ where: { id: passkeyId } })).lastUsedAt).not.toBeNull();
  });

  it("a challenge answers once; an old assertion, another origin or a cloned counter opens nothing", async () => {
    const { user, authenticator } = await userWithPasskey();
    const sessionsBefore = await app.db.session.count({ where: { userId: user.id } });
    const first = await app.caller().session.passkeyOptions();
    const assertion = authenticator.assert(first.options);
    await app.caller().session.createWithPasskey({ challengeId: first.challengeId, passkey: assertion });
    await expectAppError(
      app.caller().session.createWithPasskey({ challengeId: first.challengeId, passkey: assertion }),
      "UNAUTHORIZED",
      "TICKET_INVALID",
    );
    // Nor does a fresh assertion of the same challenge (a counter that moved on).
    await expectAppError(
      app.caller().session.createWithPasskey({ challengeId: first.challengeId, passkey: authenticator.assert(first.options) }),
      "UNAUTHORIZED",
      "TICKET_INVALID",
    );
    const second = await app.caller().session.passkeyOptions();
    // The first assertion signed the first challenge, not this one.
    await expectAppError(
      app.caller().session.createWithPasskey({ challengeId: second.challengeId, passkey: assertion }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    const third = await app.caller().session.passkeyOptions();
    await expectAppError(
      app.caller().session.createWithPasskey({
        challengeId: third.challengeId,
        passkey: authenticator.assert(third.options, undefined, "https://evil.example"),
      }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    // A copy of the key whose counter lags behind the stored one.
    const fourth = await app.caller().session.passkeyOptions();
    authenticator.credentials[0]!.counter = 0;
    await expectAppError(
      app.caller().session.createWithPasskey({ challengeId: fourth.challengeId, passkey: authenticator.assert(fourth.options) }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(sessionsBefore + 1);
  });
});

describe("one passkey challenge, answered several times at once", () => {
  it("opens one session, however many fresh assertions arrive together", async () => {
    const { user, authenticator } = await userWithPasskey();
    const before = await app.db.session.count({ where: { userId: user.id } });
    const { challengeId, options } = await app.caller().session.passkeyOptions();
    const assertions = Array.from({ length: 5 }, () => authenticator.assert(options));
    const results = await Promise.allSettled(assertions.map((passkey) => app.caller().session.createWithPasskey({ challengeId, passkey })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(before + 1);
  });
});

describe("a passkey as the second step of a password log-in", () => {
  it("the ticket lists passkey; the owner's passkey opens an aal2 session, another user's does not", async () => {
    const a = await userWithPasskey();
    const b = await userWithPasskey();
    const started = await app.caller().session.create({ email: a.user.email, password: a.user.password });
    if (!("secondFactor" in started)) throw new Error("expected a second step");
    expect(started.secondFactor.methods).toEqual(["passkey"]);
    const { ticket } = started.secondFactor;
    const { options } = await app.caller().session.secondFactorPasskeyOptions({ ticket });
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([a.authenticator.credentials[0]!.id.toString("base64url")]);
    await expectAppError(
      app.caller().session.completeSecondFactor({ ticket, passkey: b.authenticator.assert(options) }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    const session = await app.caller().session.completeSecondFactor({ ticket, passkey: a.authenticator.assert(options) });
    expect(session).toMatchObject({ userId: a.user.id, aal: "aal2", method: "passkey" });
    await app.services.securityEvents.flush();
    const failed = await app.db.securityEvent.findMany({ where: { userId: a.user.id, type: "second_factor.failed" } });
    expect(failed.map((e) => JSON.parse(e.details ?? "{}"))).toEqual([{ method: "passkey" }]);
  });
});

describe("starting passkey log-ins", () => {
  it("is limited per client address (each start stores a challenge); another address is not held back", async () => {
    const { points } = RATE_LIMITS.passkeyLogInsPerIp;
    const flood = app.caller({ ip: "198.51.100.77" });
    const results = await Promise.allSettled(Array.from({ length: points + 5 }, () => flood.session.passkeyOptions()));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(points);
    await expectAppError(flood.session.passkeyOptions(), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    await expect(app.caller({ ip: "198.51.100.78" }).session.passkeyOptions()).resolves.toMatchObject({ challengeId: expect.any(String) });
  });
});
