// Changing the email address, as an attacker holding a stolen session would
// try it: the password is needed, a reset, a password change or "Cancel the
// change" voids a pending address, confirming one logs everyone else out and
// gives the old address a way back, and the request is neither an oracle for
// registered addresses nor a way to mail strangers at will.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { hashPool } from "@/server/auth/password";
import { hashToken } from "@/server/auth/secret-token";
import { RATE_LIMITS } from "@/shared/policy";
import { cookieValue, freshEmail, logInAs, PASSWORD, seedUser, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { snapshot } from "../support/roles";
import { enrolTotp, resetClock, userWithTotp } from "../support/second-factors";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const NEW_PASSWORD = "an entirely fresh passphrase";

/** The newest link of a path in the newest mail to an address. */
async function linkTo(address: string, path: string): Promise<string> {
  const mail = (await app.mailsTo(address)).at(-1);
  if (!mail) throw new Error(`no mail to ${address}`);
  return tokenFromLink(mail.text, path);
}

async function requestReset(email: string): Promise<string> {
  await app.caller({ ip: "192.0.2.90" }).user.requestPasswordReset({ email });
  return linkTo(email, "/reset-password");
}

describe("changing the address needs the password", () => {
  it("a stolen session alone cannot change the address: VALIDATION_FAILED on currentPassword, nothing written, no mail", async () => {
    const { token } = await signedIn(app);
    const before = await snapshot(app);
    const error = await expectAppError(
      app.caller({ token }).user.update({ email: freshEmail("attacker") }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect(error.details.fieldErrors).toEqual({ currentPassword: ["Enter your current password to change your email address."] });
    expect(await snapshot(app)).toEqual(before);
  });

  it("a wrong password is WRONG_PASSWORD, counts against the session's own budget and writes nothing", async () => {
    const { user, token } = await signedIn(app);
    const before = await snapshot(app);
    await expectAppError(
      app
        .caller({ token, ip: "192.0.2.91" })
        .user.update({ name: "Changed", email: freshEmail("attacker"), currentPassword: "a guess at it" }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
    expect(await snapshot(app)).toEqual(before);
    const { id } = await app.db.session.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { id: true } });
    expect((await app.db.rateLimit.findUnique({ where: { key: `passwordFailuresPerSession:${id}` } }))?.points).toBe(1);
    expect(await app.db.rateLimit.findUnique({ where: { key: `loginFailuresPerAccountAndClient:${user.email} 192.0.2.91` } })).toBeNull();
  });

  it("the password given for a password change in the same request serves for the address too", async () => {
    const { user, token } = await signedIn(app);
    const next = freshEmail("both");
    const me = await app.caller({ token }).user.update({ email: next, password: { current: PASSWORD, next: NEW_PASSWORD } });
    expect(me).toMatchObject({ email: user.email, pendingEmail: next });
    // The new password did not void the change set in the same request.
    await app.caller().user.verify({ token: await linkTo(next, "/verify") });
    await logInAs(app, next, NEW_PASSWORD);
  });

  it("restating the current address needs nothing and changes nothing", async () => {
    const { user, token } = await signedIn(app);
    expect(await app.caller({ token }).user.update({ email: user.email })).toMatchObject({ email: user.email, pendingEmail: null });
  });
});

describe("a pending address is voided by a reset, a password change and Cancel", () => {
  it("a password reset voids the pending address and its link", async () => {
    const { user, token } = await signedIn(app);
    const attacker = freshEmail("attacker");
    await app.caller({ token }).user.update({ email: attacker, currentPassword: PASSWORD });
    const link = await linkTo(attacker, "/verify");
    await app.caller().user.resetPassword({ token: await requestReset(user.email), password: NEW_PASSWORD });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ email: user.email, pendingEmail: null });
    await expectAppError(app.caller().user.verify({ token: link }), "BAD_REQUEST", "TOKEN_INVALID");
    await logInAs(app, user.email, NEW_PASSWORD);
  });

  it("a password change voids the pending address and its link, and outstanding reset links; it is mailed", async () => {
    const { user, token } = await signedIn(app);
    const attacker = freshEmail("attacker");
    await app.caller({ token }).user.update({ email: attacker, currentPassword: PASSWORD });
    const link = await linkTo(attacker, "/verify");
    const reset = await requestReset(user.email);
    const other = await signedIn(app);
    const otherReset = await requestReset(other.user.email);
    await app.caller({ token }).user.update({ password: { current: PASSWORD, next: NEW_PASSWORD } });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ pendingEmail: null });
    await expectAppError(app.caller().user.verify({ token: link }), "BAD_REQUEST", "TOKEN_INVALID");
    await expectAppError(
      app.caller().user.resetPassword({ token: reset, password: "yet another passphrase" }),
      "BAD_REQUEST",
      "TOKEN_INVALID",
    );
    expect((await app.mailsTo(user.email)).at(-1)).toMatchObject({ kind: "password-changed" });
    // Another user's link and pending state are untouched.
    await app.caller().user.resetPassword({ token: otherReset, password: "the other one's passphrase" });
  });

  it("Cancel the change: the pending address is dropped, its link dies, and mail not yet sent is not sent", async () => {
    const { user, token } = await signedIn(app);
    const sent = freshEmail("sent");
    await app.caller({ token }).user.update({ email: sent, currentPassword: PASSWORD });
    const link = await linkTo(sent, "/verify");
    expect(await app.caller({ token }).user.cancelEmailChange()).toMatchObject({ email: user.email, pendingEmail: null });
    await expectAppError(app.caller().user.verify({ token: link }), "BAD_REQUEST", "TOKEN_INVALID");

    // Cancelled before the worker ran: the confirmation is never sent.
    const unsent = freshEmail("unsent");
    const kick = vi.spyOn(app.services.mail, "kickSoon").mockImplementation(() => undefined);
    try {
      await app.caller({ token }).user.update({ email: unsent, currentPassword: PASSWORD });
      await app.caller({ token }).user.cancelEmailChange();
    } finally {
      kick.mockRestore();
    }
    expect(await app.mailsTo(unsent)).toEqual([]);
    expect(await app.db.emailVerificationToken.count({ where: { userId: user.id, purpose: "change-email", usedAt: null } })).toBe(0);
  });
});

describe("confirming a new address", () => {
  it("ends every other session of the account (not other people's) and tells the old address, with a way to take the account back", async () => {
    const { user, token } = await signedIn(app, { name: "Grace Hopper" });
    const elsewhere = await logInAs(app, user.email);
    const bystander = await signedIn(app);
    const attacker = freshEmail("attacker");
    await app.caller({ token }).user.update({ email: attacker, currentPassword: PASSWORD });
    const session = await app.caller().user.verify({ token: await linkTo(attacker, "/verify") });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
    for (const old of [token, elsewhere])
      await expectAppError(app.caller({ token: old }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await app.caller({ token: bystander.token }).session.validate()).toMatchObject({ userId: bystander.user.id });
    expect(session.userId).toBe(user.id);

    const notice = (await app.mailsTo(user.email)).at(-1)!;
    expect(notice.kind).toBe("email-changed");
    expect(notice.text).toContain(attacker);
    const takeBack = tokenFromLink(notice.text, "/reset-password");
    // The attacker, now reading the account's mail, resets and changes the password: the way back still works.
    await app.caller().user.resetPassword({ token: await requestReset(attacker), password: "mallory holds the keys now" });
    const attackerSession = await logInAs(app, attacker, "mallory holds the keys now");
    await app
      .caller({ token: attackerSession })
      .user.update({ password: { current: "mallory holds the keys now", next: "mallory changes it again" } });
    await app.caller().user.resetPassword({ token: takeBack, password: NEW_PASSWORD });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ email: user.email, pendingEmail: null });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
    await expectAppError(app.caller().session.create({ email: attacker, password: PASSWORD }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
    await logInAs(app, user.email, NEW_PASSWORD);
    // The take-back link works once.
    await expectAppError(
      app.caller().user.resetPassword({ token: takeBack, password: "and once more please" }),
      "BAD_REQUEST",
      "TOKEN_INVALID",
    );
  });
});

describe("the old address while its take-back link lives", () => {
  // The taker registers the freed old address (no proof needed for an
  // unconfirmed account): the owner's take-back link once answered EMAIL_TAKEN.
  it("an unconfirmed account registered at the old address does not block the take-back: it is removed", async () => {
    const { user, token } = await signedIn(app, { name: "Olive Owner" });
    const bystander = await signedIn(app);
    const taker = freshEmail("taker");
    await app.caller({ token }).user.update({ email: taker, currentPassword: PASSWORD });
    const resHeaders = new Headers();
    await app.caller({ resHeaders }).user.verify({ token: await linkTo(taker, "/verify") });
    const takerSession = cookieValue(resHeaders, "session")!;
    const takeBack = await linkTo(user.email, "/reset-password");
    expect(
      await app
        .caller({ ip: "198.51.100.120" })
        .user.register({ email: user.email, password: "holding this address now", name: "Mallory Other" }),
    ).toEqual({
      verified: false,
    });
    const squatter = await app.db.login.findUniqueOrThrow({ where: { email: user.email }, select: { userId: true } });
    expect(squatter.userId).not.toBe(user.id);

    expect(await app.caller().user.resetPassword({ token: takeBack, password: NEW_PASSWORD })).toEqual({ ok: true });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ email: user.email });
    expect(await app.db.user.findUnique({ where: { id: squatter.userId } })).toBeNull();
    await expectAppError(app.caller({ token: takerSession }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    await logInAs(app, user.email, NEW_PASSWORD);
    expect(await app.caller({ token: bystander.token }).session.validate()).toMatchObject({ userId: bystander.user.id });
  });

  // Registering an address unconfirmed must not block whoever is moving to it:
  // the link proves the mailbox, which the squatter never did.
  it("an unconfirmed account at the new address does not block the move: the link removes it; a confirmed one still does", async () => {
    const { user, token } = await signedIn(app);
    const bystander = await signedIn(app);
    const next = freshEmail("next");
    await app.caller({ token }).user.update({ email: next, currentPassword: PASSWORD });
    const link = await linkTo(next, "/verify");
    await app.caller({ ip: "198.51.100.121" }).user.register({ email: next, password: "holding this address now", name: "Mallory Other" });
    const squatter = await app.db.login.findUniqueOrThrow({ where: { email: next }, select: { userId: true } });
    expect(await app.caller().user.verify({ token: link })).toMatchObject({ userId: user.id });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ email: next, pendingEmail: null });
    expect(await app.db.user.findUnique({ where: { id: squatter.userId } })).toBeNull();
    expect(await app.caller({ token: bystander.token }).session.validate()).toMatchObject({ userId: bystander.user.id });

    // Registered before the link was even sent: the link is sent all the same.
    const early = await signedIn(app);
    const third = freshEmail("third");
    await app.caller({ token: early.token }).user.update({ email: third, currentPassword: PASSWORD });
    await app.caller({ ip: "198.51.100.122" }).user.register({ email: third, password: "holding this address now", name: "Mallory Other" });
    const changeMail = (await app.mailsTo(third)).find((m) => m.kind === "confirm-new-email");
    expect(changeMail?.subject).toBe((await app.mailsTo(next)).find((m) => m.kind === "confirm-new-email")?.subject);
    expect(await app.caller().user.verify({ token: tokenFromLink(changeMail!.text, "/verify") })).toMatchObject({ userId: early.user.id });
    expect(await app.db.login.findUniqueOrThrow({ where: { email: third } })).toMatchObject({ userId: early.user.id });

    // A confirmed holder is someone's account: EMAIL_TAKEN, nothing removed.
    const other = await signedIn(app);
    const wanted = freshEmail("wanted");
    await app.caller({ token: other.token }).user.update({ email: wanted, currentPassword: PASSWORD });
    const holder = await seedUser(app, { email: wanted });
    await expectAppError(app.caller().user.verify({ token: await linkTo(wanted, "/verify") }), "CONFLICT", "EMAIL_TAKEN");
    expect(await app.db.user.findUnique({ where: { id: holder.id } })).not.toBeNull();
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: other.user.id } })).toMatchObject({ email: other.user.email });
  });

  it("a confirmed account at the old address is not removed: the take-back answers EMAIL_TAKEN and changes nothing", async () => {
    const { user, token } = await signedIn(app);
    await app.caller({ token }).user.update({ email: freshEmail("moved"), currentPassword: PASSWORD });
    const moved = await app.db.login.findUniqueOrThrow({ where: { userId: user.id }, select: { pendingEmail: true } });
    await app.caller().user.verify({ token: await linkTo(moved.pendingEmail!, "/verify") });
    const takeBack = await linkTo(user.email, "/reset-password");
    const holder = await seedUser(app, { email: user.email });
    await expectAppError(app.caller().user.resetPassword({ token: takeBack, password: NEW_PASSWORD }), "CONFLICT", "EMAIL_TAKEN");
    expect(await app.db.user.findUnique({ where: { id: holder.id } })).not.toBeNull();
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ email: moved.pendingEmail });
  });
});

describe("neither an oracle nor a mail cannon", () => {
  it("an address that has an account gets the same answer and the same queued mail; its owner a notice without a link or the requester's words", async () => {
    const owner = await seedUser(app, { name: "Owner Person" });
    const { user, token } = await signedIn(app, { name: "Buy Cheap Pills Now" });
    const free = freshEmail("free");
    // What each request records, read before the worker runs.
    const request = async (email: string) => {
      const kick = vi.spyOn(app.services.mail, "kickSoon").mockImplementation(() => undefined);
      try {
        const before = new Set((await app.db.outboxEmail.findMany({ select: { id: true } })).map((row) => row.id));
        const me = await app.caller({ token }).user.update({ email, currentPassword: PASSWORD });
        const queued = (await app.db.outboxEmail.findMany({ orderBy: { kind: "asc" } })).filter((row) => !before.has(row.id));
        return {
          me,
          queued: queued.map((row) => ({ kind: row.kind, to: row.to === email ? "<new>" : row.to === user.email ? "<old>" : row.to })),
        };
      } finally {
        kick.mockRestore();
      }
    };
    const toTaken = await request(owner.email);
    const toOwner = await app.mailsTo(owner.email);
    await app.caller({ token }).user.cancelEmailChange();
    const toFree = await request(free);
    expect(toTaken.me).toMatchObject({ email: user.email, pendingEmail: owner.email });
    expect(toFree.me).toMatchObject({ email: user.email, pendingEmail: free });
    expect(toTaken.queued).toEqual(toFree.queued);
    expect(toFree.queued).toEqual([
      { kind: "confirm-new-email", to: "<new>" },
      { kind: "email-change-notice", to: "<old>" },
    ]);

    expect(toOwner.map((m) => m.kind)).toEqual(["email-address-in-use"]);
    expect(toOwner[0]!.text).not.toMatch(/https?:\/\/\S+\/verify/);
    expect(toOwner[0]!.text).not.toContain("Buy Cheap Pills");
    expect((await app.mailsTo(free)).map((m) => m.kind)).toEqual(["confirm-new-email"]);
    expect((await app.mailsTo(free))[0]!.text).not.toContain("Buy Cheap Pills");
    expect(await app.db.emailVerificationToken.count({ where: { email: owner.email, purpose: "change-email" } })).toBe(0);
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: owner.id } })).toMatchObject({ email: owner.email, pendingEmail: null });
  });

  it(`at most ${RATE_LIMITS.emailChangePerUser.points} change requests per user per hour, refused before the password is checked`, async () => {
    const { token } = await signedIn(app);
    for (let i = 0; i < RATE_LIMITS.emailChangePerUser.points; i++) {
      await app.caller({ token }).user.update({ email: freshEmail("many"), currentPassword: PASSWORD });
    }
    const verify = vi.spyOn(hashPool, "run");
    try {
      await expectAppError(
        app.caller({ token }).user.update({ email: freshEmail("many"), currentPassword: PASSWORD }),
        "TOO_MANY_REQUESTS",
        "RATE_LIMITED",
      );
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  // Wrong passwords spend the session's password budget only: were the
  // address's budget spent too, anyone logged in could block someone's move
  // to a chosen address for a day, and a stolen session its owner's changes.
  it("a request with a wrong password spends neither the new address's change budget nor the user's", async () => {
    const target = freshEmail("wanted");
    for (let i = 0; i < RATE_LIMITS.emailChangePerAddress.points; i++) {
      const { token } = await signedIn(app);
      await expectAppError(
        app.caller({ token }).user.update({ email: target, currentPassword: "a wrong guess" }),
        "FORBIDDEN",
        "WRONG_PASSWORD",
      );
    }
    const { user, token } = await signedIn(app);
    for (let i = 0; i < RATE_LIMITS.emailChangePerUser.points; i++) {
      await expectAppError(
        app.caller({ token }).user.update({ email: freshEmail("guess"), currentPassword: "a wrong guess" }),
        "FORBIDDEN",
        "WRONG_PASSWORD",
      );
    }
    expect(await app.caller({ token }).user.update({ email: target, currentPassword: PASSWORD })).toMatchObject({ pendingEmail: target });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ pendingEmail: target });
  });

  it(`at most ${RATE_LIMITS.emailChangePerAddress.points} change requests per new address per day, whoever asks`, async () => {
    const target = freshEmail("target");
    for (let i = 0; i < RATE_LIMITS.emailChangePerAddress.points; i++) {
      const { token } = await signedIn(app);
      await app.caller({ token }).user.update({ email: target, currentPassword: PASSWORD });
    }
    const { user, token } = await signedIn(app);
    await expectAppError(
      app.caller({ token }).user.update({ email: target, currentPassword: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ pendingEmail: null });
    // Another address is not limited for the same user.
    await app.caller({ token }).user.update({ email: freshEmail("other"), currentPassword: PASSWORD });
  });
});

describe("security events", () => {
  it("a requested, cancelled and confirmed change, a password change and the log-in by link are recorded for the account only", async () => {
    const { user, token } = await signedIn(app);
    const bystander = await seedUser(app);
    const next = freshEmail("events");
    await app.caller({ token }).user.update({ email: freshEmail("first"), currentPassword: PASSWORD });
    await app.caller({ token }).user.cancelEmailChange();
    await app.caller({ token }).user.cancelEmailChange(); // nothing pending: nothing recorded
    await app.caller({ token }).user.update({ password: { current: PASSWORD, next: NEW_PASSWORD } });
    await app.caller({ token }).user.update({ email: next, currentPassword: NEW_PASSWORD });
    await app.caller().user.verify({ token: await linkTo(next, "/verify") });
    await app.services.securityEvents.flush();
    const types = (await app.db.securityEvent.findMany({ where: { userId: user.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })).map(
      (e) => e.type,
    );
    expect(types).toEqual(
      expect.arrayContaining([
        "email_change.requested",
        "email_change.cancelled",
        "password.changed",
        "email_change.confirmed",
        "login.succeeded",
      ]),
    );
    expect(types.filter((t) => t === "email_change.cancelled")).toHaveLength(1);
    expect(types.filter((t) => t === "email_change.requested")).toHaveLength(2);
    expect(await app.db.securityEvent.count({ where: { userId: bystander.id } })).toBe(0);
  });
});

describe("an account taken over and taken back", () => {
  afterEach(() => resetClock());

  /** The session cookie a call set. */
  async function sessionOf(call: (resHeaders: Headers) => Promise<unknown>): Promise<string> {
    const resHeaders = new Headers();
    await call(resHeaders);
    const token = cookieValue(resHeaders, "session");
    if (!token) throw new Error("no session cookie");
    return token;
  }

  it("the take-back link removes every second factor and passkey, the taker's included; other accounts keep theirs", async () => {
    const { user, token } = await signedIn(app, { name: "Grace Hopper" });
    const bystander = await userWithTotp(app);
    const bystanderBefore = await secondFactorRows(bystander.user.id);
    // The taker holds a session and the password: moves the address to their own and confirms it.
    const takerAddress = freshEmail("taker");
    await app.caller({ token }).user.update({ email: takerAddress, currentPassword: PASSWORD });
    const taker = await sessionOf(async (resHeaders) =>
      app.caller({ resHeaders }).user.verify({ token: await linkTo(takerAddress, "/verify") }),
    );
    // ... then adds a passkey and an authenticator app of their own.
    const key = new SoftAuthenticator(app.config.APP_URL);
    const as = app.caller({ token: taker });
    const { challengeId, options } = await as.user.passkeyRegistrationOptions({ password: PASSWORD });
    await as.user.addPasskey({ challengeId, name: "taker's key", passkey: key.register(options) });
    await enrolTotp(app, taker);
    // The owner uses the link mailed to the old address.
    const takeBack = await linkTo(user.email, "/reset-password");
    await app.caller().user.resetPassword({ token: takeBack, password: NEW_PASSWORD });
    expect(await secondFactorRows(user.id)).toEqual({ apps: 0, codes: 0, passkeys: 0, secondFactor: false });
    expect(await secondFactorRows(bystander.user.id)).toEqual(bystanderBefore);
    // The owner logs in with the password alone; the taker's passkey opens nothing.
    const owner = await app.caller().session.create({ email: user.email, password: NEW_PASSWORD });
    expect(owner).toMatchObject({ userId: user.id });
    const challenge = await app.caller().session.passkeyOptions();
    await expectAppError(
      app.caller().session.createWithPasskey({ challengeId: challenge.challengeId, passkey: key.assert(challenge.options) }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    // It is recorded.
    const event = await app.db.securityEvent.findFirstOrThrow({ where: { userId: user.id, type: "password_reset.completed" } });
    expect(JSON.parse(event.details ?? "{}")).toMatchObject({ takeBack: true, secondFactorsRemoved: true });
  });

  it("a plain reset link leaves second factors as they are", async () => {
    const { user } = await userWithTotp(app);
    const before = await secondFactorRows(user.id);
    await app.caller().user.resetPassword({ token: await requestReset(user.email), password: NEW_PASSWORD });
    expect(await secondFactorRows(user.id)).toEqual(before);
  });

  it("a session opened by a mailed link is not a recent proof: adding a passkey asks for the password", async () => {
    const { token } = await signedIn(app);
    const address = freshEmail("moved");
    await app.caller({ token }).user.update({ email: address, currentPassword: PASSWORD });
    const linked = await sessionOf(async (resHeaders) =>
      app.caller({ resHeaders }).user.verify({ token: await linkTo(address, "/verify") }),
    );
    await expectAppError(app.caller({ token: linked }).user.passkeyRegistrationOptions({}), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
  });

  it("a sign-up link of an address confirmed meanwhile (by a reset) opens no session, even less past a second factor", async () => {
    const email = freshEmail("signup");
    await app.caller({ ip: "192.0.2.91" }).user.register({ email, password: PASSWORD, name: "Vera Test" });
    const signUpLink = await linkTo(email, "/verify");
    await app.caller().user.resetPassword({ token: await requestReset(email), password: NEW_PASSWORD });
    const login = await app.db.login.findUniqueOrThrow({ where: { email } });
    expect(login.emailVerifiedAt).not.toBeNull();
    const sessions = await app.db.session.count({ where: { userId: login.userId } });
    await expectAppError(app.caller().user.verify({ token: signUpLink }), "BAD_REQUEST", "TOKEN_INVALID");
    expect(await app.db.session.count({ where: { userId: login.userId } })).toBe(sessions);
  });

  it("a log-in with the old password racing a reset keeps no session; nor does a log-in ticket issued before it", async () => {
    for (let round = 0; round < 4; round++) {
      const { user } = await signedIn(app);
      const reset = await requestReset(user.email);
      const logIns = Array.from({ length: 4 }, (_, i) =>
        app.caller({ ip: `198.51.100.${20 + i}` }).session.create({ email: user.email, password: PASSWORD }),
      );
      const [byReset] = await Promise.allSettled([
        app.caller().user.resetPassword({ token: reset, password: `the owner's passphrase ${round}` }),
        ...logIns,
      ]);
      expect(byReset.status).toBe("fulfilled");
      expect({ round, sessions: await app.db.session.count({ where: { userId: user.id } }) }).toEqual({ round, sessions: 0 });
    }
    const { user, token } = await userWithTotp(app);
    const { ticket } = await app
      .caller()
      .session.create({ email: user.email, password: PASSWORD })
      .then((r) => {
        if (!("secondFactor" in r) || !r.secondFactor) throw new Error("expected a second step");
        return r.secondFactor;
      });
    await app.caller({ token }).user.update({ password: { current: PASSWORD, next: NEW_PASSWORD } });
    expect(await app.db.authChallenge.count({ where: { userId: user.id, purpose: "second-factor" } })).toBe(0);
    await expectAppError(
      app.caller().session.completeSecondFactor({ ticket, recoveryCode: "aaaa-bbbb" }),
      "UNAUTHORIZED",
      "TICKET_INVALID",
    );
  });

  it("a password change racing a reset: one of them wins whole, never both (the reset's password set, then overwritten)", async () => {
    for (let round = 0; round < 6; round++) {
      const { user, token } = await signedIn(app);
      const reset = await requestReset(user.email);
      const owners = `the owner's passphrase ${round}`;
      const takers = `the taker's passphrase ${round}`;
      const [byReset, byTaker] = await Promise.allSettled([
        app.caller().user.resetPassword({ token: reset, password: owners }),
        app.caller({ token, ip: "198.51.100.7" }).user.update({ password: { current: PASSWORD, next: takers } }),
      ]);
      const logIn = (password: string) =>
        app
          .caller({ ip: "198.51.100.8" })
          .session.create({ email: user.email, password })
          .then(
            () => true,
            () => false,
          );
      const outcome = { owner: await logIn(owners), taker: await logIn(takers) };
      if (byReset.status === "fulfilled") {
        // The reset landed (first, or after the change): its password is the one, whatever the change answered.
        expect({ round, ...outcome }).toEqual({ round, owner: true, taker: false });
      } else {
        // The change landed first and voided the reset link, as a password change does: TOKEN_INVALID, not a
        // failure (PostgreSQL once aborted one of the two for a deadlock, answered 500; it runs again now).
        expect({ round, ...outcome, change: byTaker.status }).toEqual({ round, owner: false, taker: true, change: "fulfilled" });
        expect(
          (byReset.reason as { appCode?: string }).appCode ?? (byReset.reason as { cause?: { appCode?: string } }).cause?.appCode,
        ).toBe("TOKEN_INVALID");
      }
    }
  });
});

async function secondFactorRows(userId: string) {
  const [apps, codes, passkeys, user] = await Promise.all([
    app.db.totpFactor.count({ where: { userId } }),
    app.db.recoveryCode.count({ where: { userId } }),
    app.db.passkey.count({ where: { userId } }),
    app.db.user.findUniqueOrThrow({ where: { id: userId }, select: { secondFactor: true } }),
  ]);
  return { apps, codes, passkeys, secondFactor: user.secondFactor };
}
