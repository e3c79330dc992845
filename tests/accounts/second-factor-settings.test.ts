// Two-step verification on the account page: new recovery codes, turning
// the app off, enrolment conflicts, re-authentication for sensitive changes,
// passkeys of other users, and the secret at rest.

import { decodeBase32IgnorePadding, encodeBase32NoPadding, encodeBase64, encodeBase64urlNoPadding } from "@oslojs/encoding";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { MINUTE, RATE_LIMITS, SECOND_FACTOR } from "@/shared/policy";
import { logInAs, PASSWORD, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import {
  Authenticator,
  ageSession,
  enrolTotp,
  finishLogIn,
  insertPasskey,
  logInWithTotp,
  resetClock,
  secondFactorState,
  startLogIn,
  userWithTotp,
} from "../support/second-factors";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterEach(resetClock);
afterAll(() => app.close());

const REAUTH_MS = SECOND_FACTOR.reauthenticationSeconds * 1000;

describe("user.regenerateRecoveryCodes", () => {
  it("needs the password and a right code; each wrong one is refused and the old set stays", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    const bystander = await userWithTotp(app);
    const before = await secondFactorState(app, user.id);
    const as = app.caller({ token });
    await expectAppError(
      as.user.regenerateRecoveryCodes({ password: "not the password", code: authenticator.next() }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
    await expectAppError(
      as.user.regenerateRecoveryCodes({ password: PASSWORD, code: authenticator.wrong() }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    // A used code is wrong too.
    const used = authenticator.next();
    await logInWithCode(user.email, used);
    await expectAppError(as.user.regenerateRecoveryCodes({ password: PASSWORD, code: used }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect((await secondFactorState(app, user.id)).recoveryCodes).toEqual(before.recoveryCodes);
    expect(await secondFactorState(app, bystander.user.id)).toMatchObject({ recoveryCodes: expect.any(Array), mark: true });
  });

  it("gives ten new codes and voids the old ones; another user's codes stay", async () => {
    const { user, token, authenticator, recoveryCodes: old } = await userWithTotp(app);
    const bystander = await userWithTotp(app);
    const bystanderBefore = await secondFactorState(app, bystander.user.id);
    const { recoveryCodes } = await app.caller({ token }).user.regenerateRecoveryCodes({ password: PASSWORD, code: authenticator.next() });
    expect(recoveryCodes).toHaveLength(SECOND_FACTOR.recoveryCodeCount);
    expect(new Set([...recoveryCodes, ...old]).size).toBe(2 * SECOND_FACTOR.recoveryCodeCount);
    expect(await app.caller({ token }).user.secondFactors()).toMatchObject({ recoveryCodesLeft: SECOND_FACTOR.recoveryCodeCount });

    const { ticket } = await startLogIn(app, user.email);
    await expectAppError(finishLogIn(app, ticket, { recoveryCode: old[0]! }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    const { session } = await finishLogIn(app, ticket, { recoveryCode: recoveryCodes[0]! });
    expect(session).toMatchObject({ aal: "aal2", method: "recovery" });
    expect(await secondFactorState(app, bystander.user.id)).toEqual(bystanderBefore);
  });

  it("is TOTP_NOT_ENABLED without an app", async () => {
    const { token } = await signedIn(app);
    await expectAppError(
      app.caller({ token }).user.regenerateRecoveryCodes({ password: PASSWORD, code: "123456" }),
      "CONFLICT",
      "TOTP_NOT_ENABLED",
    );
  });
});

/** A log-in's second step with this code, which must pass. */
async function logInWithCode(email: string, code: string) {
  const { ticket } = await startLogIn(app, email);
  return finishLogIn(app, ticket, { totp: code });
}

describe("user.disableTotp", () => {
  it("needs the password and a right code; refused, nothing changes", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    const before = await secondFactorState(app, user.id);
    const as = app.caller({ token });
    await expectAppError(as.user.disableTotp({ password: "not the password", code: authenticator.next() }), "FORBIDDEN", "WRONG_PASSWORD");
    await expectAppError(as.user.disableTotp({ password: PASSWORD, code: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect(await secondFactorState(app, user.id)).toEqual(before);
    expect((await startLogIn(app, user.email)).methods).toEqual(["totp", "recovery"]);
  });

  it("removes the app, its recovery codes and the mark; the password alone logs in again; others keep theirs", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    const bystander = await userWithTotp(app);
    const bystanderBefore = await secondFactorState(app, bystander.user.id);
    expect(await app.caller({ token }).user.disableTotp({ password: PASSWORD, code: authenticator.next() })).toEqual({ ok: true });
    expect(await secondFactorState(app, user.id)).toEqual({ mark: false, totp: null, recoveryCodes: [], passkeys: [] });
    expect(await app.caller({ token }).user.secondFactors()).toEqual({
      totp: { enabled: false, since: null },
      recoveryCodesLeft: 0,
      passkeys: [],
    });
    const resHeaders = new Headers();
    expect(await app.caller({ resHeaders }).session.create({ email: user.email, password: PASSWORD })).toMatchObject({
      userId: user.id,
      aal: "aal1",
      method: "password",
    });
    expect(await secondFactorState(app, bystander.user.id)).toEqual(bystanderBefore);
    await logInWithTotp(app, bystander.user.email, bystander.authenticator);
  });

  it("keeps the recovery codes while a passkey remains", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    await insertPasskey(app, user.id);
    await app.caller({ token }).user.disableTotp({ password: PASSWORD, code: authenticator.next() });
    const state = await secondFactorState(app, user.id);
    expect(state).toMatchObject({ mark: true, totp: null });
    expect(state.recoveryCodes).toHaveLength(SECOND_FACTOR.recoveryCodeCount);
  });

  it("is TOTP_NOT_ENABLED without an app (a started, unconfirmed one included)", async () => {
    const { user, token } = await signedIn(app);
    const as = app.caller({ token });
    await expectAppError(as.user.disableTotp({ password: PASSWORD, code: "123456" }), "CONFLICT", "TOTP_NOT_ENABLED");
    const started = await as.user.startTotp({ password: PASSWORD });
    const code = new Authenticator(started.secret).next();
    await expectAppError(as.user.disableTotp({ password: PASSWORD, code }), "CONFLICT", "TOTP_NOT_ENABLED");
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, totp: { confirmedAt: null } });
  });
});

describe("enrolment conflicts", () => {
  it("TOTP_ALREADY_ENABLED on startTotp once an app is confirmed; the secret stays", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    const before = await secondFactorState(app, user.id);
    await expectAppError(app.caller({ token }).user.startTotp({ password: PASSWORD }), "CONFLICT", "TOTP_ALREADY_ENABLED");
    expect(await secondFactorState(app, user.id)).toEqual(before);
    await logInWithTotp(app, user.email, authenticator);
  });

  it("TOTP_NOT_ENABLED for confirmTotp without a start, and after a confirmed one", async () => {
    const { user, token } = await signedIn(app);
    await expectAppError(app.caller({ token }).user.confirmTotp({ code: "123456" }), "CONFLICT", "TOTP_NOT_ENABLED");
    expect(await secondFactorState(app, user.id)).toEqual({ mark: false, totp: null, recoveryCodes: [], passkeys: [] });

    const enrolled = await userWithTotp(app);
    const before = await secondFactorState(app, enrolled.user.id);
    await expectAppError(
      app.caller({ token: enrolled.token }).user.confirmTotp({ code: enrolled.authenticator.next() }),
      "CONFLICT",
      "TOTP_NOT_ENABLED",
    );
    expect(await secondFactorState(app, enrolled.user.id)).toEqual(before);
  });

  it(`TOTP_NOT_ENABLED for an enrolment started over ${SECOND_FACTOR.enrolmentSeconds / MINUTE} minutes ago; a new start works`, async () => {
    const { user, token } = await signedIn(app);
    const as = app.caller({ token });
    const started = await as.user.startTotp({ password: PASSWORD });
    await app.db.totpFactor.update({
      where: { userId: user.id },
      data: { createdAt: new Date(Date.now() - SECOND_FACTOR.enrolmentSeconds * 1000 - 1000) },
    });
    await expectAppError(as.user.confirmTotp({ code: new Authenticator(started.secret).next() }), "CONFLICT", "TOTP_NOT_ENABLED");
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, recoveryCodes: [], totp: { confirmedAt: null } });
    expect(await as.session.validate()).toMatchObject({ aal: "aal1" });

    // Starting again replaces the secret; the old one's codes no longer confirm.
    const restarted = await as.user.startTotp({ password: PASSWORD });
    expect(restarted.secret).not.toBe(started.secret);
    await expectAppError(as.user.confirmTotp({ code: new Authenticator(started.secret).at(1) }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    await as.user.confirmTotp({ code: new Authenticator(restarted.secret).next() });
    expect(await as.session.validate()).toMatchObject({ aal: "aal2", method: "totp" });
  });

  // Set-up codes are guesses like any other: without a budget, a stolen session
  // could try a million codes against the owner's pending set-up and take it over.
  it(`wrong set-up codes spend the session's own budget (${RATE_LIMITS.secondFactorFailuresPerSession.points} a day); the owner's set-up stands`, async () => {
    const { user, token: owner } = await signedIn(app);
    const thief = await logInAs(app, user.email);
    const bystander = await signedIn(app);
    const started = await app.caller({ token: owner }).user.startTotp({ password: PASSWORD });
    const theirs = await app.caller({ token: bystander.token }).user.startTotp({ password: PASSWORD });
    const authenticator = new Authenticator(started.secret);
    const { points } = RATE_LIMITS.secondFactorFailuresPerSession;
    for (let i = 0; i < points; i++) {
      await expectAppError(
        app.caller({ token: thief }).user.confirmTotp({ code: authenticator.wrong() }),
        "FORBIDDEN",
        "SECOND_FACTOR_INVALID",
      );
    }
    await expectAppError(
      app.caller({ token: thief }).user.confirmTotp({ code: authenticator.next() }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, recoveryCodes: [], totp: { confirmedAt: null } });
    expect(await app.caller({ token: thief }).session.validate()).toMatchObject({ aal: "aal1" });
    // The owner's session and another user's have budgets of their own.
    expect((await app.caller({ token: owner }).user.confirmTotp({ code: authenticator.next() })).recoveryCodes).toHaveLength(10);
    await app.caller({ token: bystander.token }).user.confirmTotp({ code: new Authenticator(theirs.secret).next() });
    expect(await app.caller({ token: bystander.token }).session.validate()).toMatchObject({ aal: "aal2" });
  });

  it("stores the secret sealed: the row holds neither the base32 text nor the bytes", async () => {
    const { user, secretText } = await userWithTotp(app);
    const { secret: stored } = (await app.db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } })) as { secret: string };
    const bytes = decodeBase32IgnorePadding(secretText.replace(/\s/g, ""));
    const plain = encodeBase32NoPadding(bytes);
    for (const form of [
      secretText,
      plain,
      plain.toLowerCase(),
      encodeBase64(bytes),
      encodeBase64urlNoPadding(bytes),
      Buffer.from(bytes).toString("hex"),
    ]) {
      expect(stored).not.toContain(form);
    }
    expect(stored).not.toContain(plain.slice(0, 8));
  });
});

describe("re-authentication for passkey changes", () => {
  it(`a session that proved its user over ${SECOND_FACTOR.reauthenticationSeconds / MINUTE} minutes ago needs the password: none → REAUTHENTICATION_REQUIRED, wrong → WRONG_PASSWORD, right → passes`, async () => {
    const { user, token } = await signedIn(app);
    await ageSession(app, token, REAUTH_MS + 1000);
    const as = app.caller({ token });
    const challenges = () => app.db.authChallenge.count({ where: { userId: user.id } });

    await expectAppError(as.user.passkeyRegistrationOptions({}), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await expectAppError(as.user.passkeyRegistrationOptions({ password: "not the password" }), "FORBIDDEN", "WRONG_PASSWORD");
    expect(await challenges()).toBe(0);
    const options = await as.user.passkeyRegistrationOptions({ password: PASSWORD });
    expect(options.options).toMatchObject({ challenge: expect.any(String), user: { name: user.email } });
    expect(await challenges()).toBe(1);
    // The password restarted the window: removing a passkey or logging out other devices needs no proof for a while.
    expect(await as.session.revokeOthers()).toEqual({ revoked: 0 });
  });

  it("removePasskey on a stale session: refused without a proof (the passkey stays), passes with the password", async () => {
    const { user, token } = await signedIn(app);
    const passkey = await insertPasskey(app, user.id);
    await ageSession(app, token, REAUTH_MS + 1000);
    const as = app.caller({ token });
    await expectAppError(as.user.removePasskey({ id: passkey.id }), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await expectAppError(as.user.removePasskey({ id: passkey.id, password: "not the password" }), "FORBIDDEN", "WRONG_PASSWORD");
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: true, passkeys: [{ id: passkey.id }] });
    expect(await as.user.removePasskey({ id: passkey.id, password: PASSWORD })).toEqual({ ok: true });
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, passkeys: [] });
  });

  it("an authenticator-app code proves the user too; a wrong one is SECOND_FACTOR_INVALID", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    const passkey = await insertPasskey(app, user.id);
    await ageSession(app, token, REAUTH_MS + 1000);
    const as = app.caller({ token });
    await expectAppError(as.user.removePasskey({ id: passkey.id, code: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect((await secondFactorState(app, user.id)).passkeys).toHaveLength(1);
    await as.user.removePasskey({ id: passkey.id, code: authenticator.next() });
    // The app remains: still a second factor.
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: true, passkeys: [] });
  });

  it("a session with no recorded proof (authenticatedAt null) counts as stale", async () => {
    const { token } = await signedIn(app);
    await app.db.session.updateMany({ where: { tokenHash: hashToken(token) }, data: { authenticatedAt: null } });
    await expectAppError(app.caller({ token }).session.revokeOthers(), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
  });

  it(`within ${SECOND_FACTOR.reauthenticationSeconds / MINUTE} minutes of the log-in, removing a passkey needs no proof`, async () => {
    const { user, token } = await signedIn(app);
    const passkey = await insertPasskey(app, user.id);
    await ageSession(app, token, REAUTH_MS - 60_000);
    const as = app.caller({ token });
    expect(await as.user.removePasskey({ id: passkey.id })).toEqual({ ok: true });
    expect((await secondFactorState(app, user.id)).passkeys).toEqual([]);
  });

  // A passkey outlives a password reset: a cookie stolen minutes after a log-in
  // once added one without the password, and the reset then left the owner
  // asked for a passkey only the thief had.
  it("adding a passkey always needs the password or an app code in the request, however recent the log-in", async () => {
    const { user, token } = await signedIn(app);
    const as = app.caller({ token });
    const challenges = () => app.db.authChallenge.count({ where: { userId: user.id } });
    const refused = await expectAppError(as.user.passkeyRegistrationOptions({}), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    expect(refused.message).toBe("Enter your password (or a code from your authenticator app) to add a passkey.");
    expect(await challenges()).toBe(0);
    await as.user.passkeyRegistrationOptions({ password: PASSWORD });
    expect(await challenges()).toBe(1);
    // Right after that proof still: each new passkey asks again.
    await expectAppError(as.user.passkeyRegistrationOptions({}), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    expect(await challenges()).toBe(1);
  });
});

describe("another user's passkey", () => {
  it("renamePasskey and removePasskey answer PASSKEY_NOT_FOUND and leave it as it was", async () => {
    const owner = await signedIn(app);
    const passkey = await insertPasskey(app, owner.user.id, "Owner's key");
    const { user, token } = await signedIn(app);
    const own = await insertPasskey(app, user.id, "Mine");
    const ownerBefore = await secondFactorState(app, owner.user.id);
    const as = app.caller({ token });
    await expectAppError(as.user.renamePasskey({ id: passkey.id, name: "Stolen" }), "NOT_FOUND", "PASSKEY_NOT_FOUND");
    await expectAppError(as.user.removePasskey({ id: passkey.id, password: PASSWORD }), "NOT_FOUND", "PASSKEY_NOT_FOUND");
    await expectAppError(as.user.renamePasskey({ id: "no-such-passkey", name: "Ghost" }), "NOT_FOUND", "PASSKEY_NOT_FOUND");
    expect(await secondFactorState(app, owner.user.id)).toEqual(ownerBefore);
    // The caller's own passkey is untouched by the refusals, and theirs to rename.
    expect((await secondFactorState(app, user.id)).passkeys).toEqual([{ id: own.id, name: "Mine" }]);
    expect(await as.user.renamePasskey({ id: own.id, name: "Laptop" })).toEqual({ ok: true });
    expect((await as.user.secondFactors()).passkeys).toMatchObject([{ id: own.id, name: "Laptop" }]);
    expect(await secondFactorState(app, owner.user.id)).toEqual(ownerBefore);
  });
});

describe("enrolment on one session leaves the others", () => {
  it("a second enrolment after another user's does not touch theirs", async () => {
    const first = await userWithTotp(app);
    const before = await secondFactorState(app, first.user.id);
    const { token } = await signedIn(app);
    await enrolTotp(app, token);
    expect(await secondFactorState(app, first.user.id)).toEqual(before);
  });
});

describe("the account's address is told of every change to its second factors", () => {
  const subjects = async (email: string) => (await app.mailsTo(email)).map((mail) => `${mail.kind}: ${mail.subject}`);
  const NOTICE = "second-factor-changed";

  it("an authenticator app turned on and off, a passkey added and removed: one mail each, to this account only", async () => {
    const { user, token } = await signedIn(app);
    const bystander = await signedIn(app);
    const { authenticator } = await enrolTotp(app, token);
    const key = new SoftAuthenticator(app.config.APP_URL);
    const as = app.caller({ token });
    const { challengeId, options } = await as.user.passkeyRegistrationOptions({ password: PASSWORD });
    const { id } = await as.user.addPasskey({ challengeId, name: "Lab laptop", passkey: key.register(options) });
    await as.user.removePasskey({ id, password: PASSWORD });
    await as.user.disableTotp({ password: PASSWORD, code: authenticator.next() });
    expect(await subjects(user.email)).toEqual([
      `${NOTICE}: Two-step verification was turned on`,
      `${NOTICE}: A passkey was added to your account`,
      `${NOTICE}: A passkey was removed from your account`,
      `${NOTICE}: Two-step verification was turned off`,
    ]);
    const added = (await app.mailsTo(user.email))[1]!;
    expect(added.text).toContain("Lab laptop");
    expect(added.text).toContain("/account");
    expect(await subjects(bystander.user.email)).toEqual([]);
  });

  it("a refused change mails nothing", async () => {
    const { user, token } = await signedIn(app);
    await expectAppError(app.caller({ token }).user.startTotp({ password: "not the password" }), "FORBIDDEN", "WRONG_PASSWORD");
    await expectAppError(
      app.caller({ token }).user.removePasskey({ id: "no-such-passkey", password: PASSWORD }),
      "NOT_FOUND",
      "PASSKEY_NOT_FOUND",
    );
    expect(await subjects(user.email)).toEqual([]);
  });
});

describe("a one-factor session cannot add a factor to an account that has one", () => {
  // A session opened before the owner set up two-step verification (a thief's,
  // with the password) once added its own passkey and so became two-factor.
  it("adding a passkey needs a two-factor session or an app code; the password is not enough", async () => {
    const { user, token } = await signedIn(app);
    const older = await logInAs(app, user.email); // opened before the app: stays aal1
    const { authenticator } = await enrolTotp(app, token);
    const before = await secondFactorState(app, user.id);
    const thief = app.caller({ token: older });
    await expectAppError(thief.user.passkeyRegistrationOptions({ password: PASSWORD }), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    expect(await secondFactorState(app, user.id)).toEqual(before);
    expect(await thief.session.validate()).toMatchObject({ aal: "aal1" });
    // With a current code it proves the factor, and may.
    await thief.user.passkeyRegistrationOptions({ code: authenticator.next() });
    // The two-factor session may, with its password.
    await app.caller({ token }).user.passkeyRegistrationOptions({ password: PASSWORD });
  });

  it("setting up an app on an account with a passkey needs a two-factor session", async () => {
    const { user, token } = await signedIn(app);
    const older = await logInAs(app, user.email);
    const key = new SoftAuthenticator(app.config.APP_URL);
    const { challengeId, options } = await app.caller({ token }).user.passkeyRegistrationOptions({ password: PASSWORD });
    await app.caller({ token }).user.addPasskey({ challengeId, name: "Mine", passkey: key.register(options) });
    await expectAppError(app.caller({ token: older }).user.startTotp({ password: PASSWORD }), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    expect((await secondFactorState(app, user.id)).totp).toBeNull();
    await app.caller({ token }).user.startTotp({ password: PASSWORD });
  });

  // Started while the account had no factor, finished after the owner added one:
  // the owner's new factor never approved it.
  it("an app whose set-up began before the owner added a passkey is not confirmed from a one-factor session", async () => {
    const { user, token: owner } = await signedIn(app);
    const thief = await logInAs(app, user.email);
    const started = await app.caller({ token: thief }).user.startTotp({ password: PASSWORD });
    const key = new SoftAuthenticator(app.config.APP_URL);
    const { challengeId, options } = await app.caller({ token: owner }).user.passkeyRegistrationOptions({ password: PASSWORD });
    await app.caller({ token: owner }).user.addPasskey({ challengeId, name: "Owner's", passkey: key.register(options) });
    const before = await secondFactorState(app, user.id);
    await expectAppError(
      app.caller({ token: thief }).user.confirmTotp({ code: new Authenticator(started.secret).next() }),
      "FORBIDDEN",
      "SECOND_FACTOR_REQUIRED",
    );
    expect(await secondFactorState(app, user.id)).toEqual(before);
    expect(await app.caller({ token: thief }).session.validate()).toMatchObject({ aal: "aal1" });
  });

  it("a passkey whose registration began before the owner set up an app is not added from a one-factor session", async () => {
    const { user, token: owner } = await signedIn(app);
    const thief = await logInAs(app, user.email);
    const stolenKey = new SoftAuthenticator(app.config.APP_URL);
    const { challengeId, options } = await app.caller({ token: thief }).user.passkeyRegistrationOptions({ password: PASSWORD });
    const { authenticator } = await enrolTotp(app, owner);
    const before = await secondFactorState(app, user.id);
    await expectAppError(
      app.caller({ token: thief }).user.addPasskey({ challengeId, name: "Thief's", passkey: stolenKey.register(options) }),
      "FORBIDDEN",
      "SECOND_FACTOR_REQUIRED",
    );
    expect(await secondFactorState(app, user.id)).toEqual(before);
    // A registration begun once the app was there, proved by its code, goes through from the same session.
    const proved = await app.caller({ token: thief }).user.passkeyRegistrationOptions({ code: authenticator.next() });
    const key = new SoftAuthenticator(app.config.APP_URL);
    await app
      .caller({ token: thief })
      .user.addPasskey({ challengeId: proved.challengeId, name: "Proved", passkey: key.register(proved.options) });
    expect((await secondFactorState(app, user.id)).passkeys).toHaveLength(1);
  });

  it("an account without a factor: a one-factor session adds the first one", async () => {
    const { token } = await signedIn(app);
    await app.caller({ token }).user.passkeyRegistrationOptions({ password: PASSWORD });
    await app.caller({ token }).user.startTotp({ password: PASSWORD });
  });
});
