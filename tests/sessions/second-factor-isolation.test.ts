// Each second-factor write touches its own row and no other: one user's
// ticket, app, step or mark never moves another's. Also the answers' words,
// the session a second step opens, what a success gives back, and the
// pruning of lapsed tickets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { deleteLapsedChallenges, trimChallengesOf } from "@/server/db/auth-challenges";
import { confirmTotpFactor, saveTotpEnrolment } from "@/server/db/second-factors";
import { RATE_LIMITS } from "@/shared/policy";
import { PASSWORD, seedUser, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import {
  Authenticator,
  ageSession,
  finishLogIn,
  freezeClock,
  insertPasskey,
  resetClock,
  secondFactorState,
  startLogIn,
  twoFactorSession,
  userWithTotp,
} from "../support/second-factors";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterEach(resetClock);
afterAll(() => app.close());

const ticketRow = (ticket: string) =>
  app.db.authChallenge.findUniqueOrThrow({
    where: { tokenHash: hashToken(ticket) },
    select: { tries: true, usedAt: true, challenge: true },
  });

describe("one user's step leaves everyone else's as it was", () => {
  it("a try, a spent ticket and a passkey challenge touch that ticket only", async () => {
    const a = await userWithTotp(app);
    const b = await userWithTotp(app);
    await insertPasskey(app, a.user.id);
    const ticketA = (await startLogIn(app, a.user.email)).ticket;
    const ticketB = (await startLogIn(app, b.user.email)).ticket;
    const before = await ticketRow(ticketB);
    await expectAppError(finishLogIn(app, ticketA, { totp: a.authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    await app.caller().session.secondFactorPasskeyOptions({ ticket: ticketA });
    expect((await ticketRow(ticketA)).challenge).not.toBeNull();
    await finishLogIn(app, ticketA, { totp: a.authenticator.next() });
    expect(await ticketRow(ticketB)).toEqual(before);
    // B's ticket still opens B's session.
    await finishLogIn(app, ticketB, { totp: b.authenticator.next() });
  });

  it("a log-in's accepted step, and an enrolment's confirmation, are that user's only", async () => {
    const a = await userWithTotp(app);
    const b = await userWithTotp(app);
    const pending = await signedIn(app);
    await app.caller({ token: pending.token }).user.startTotp({ password: PASSWORD });
    const before = await Promise.all([secondFactorState(app, b.user.id), secondFactorState(app, pending.user.id)]);
    const { ticket } = await startLogIn(app, a.user.email);
    await finishLogIn(app, ticket, { totp: a.authenticator.next() });
    const c = await userWithTotp(app);
    expect(await Promise.all([secondFactorState(app, b.user.id), secondFactorState(app, pending.user.id)])).toEqual(before);
    expect((await secondFactorState(app, c.user.id)).mark).toBe(true);
  });

  it("turning the app off clears that user's mark even while others have apps and passkeys", async () => {
    const a = await userWithTotp(app);
    const b = await userWithTotp(app);
    await insertPasskey(app, b.user.id);
    await app.caller({ token: a.token }).user.disableTotp({ password: PASSWORD, code: a.authenticator.next() });
    expect((await secondFactorState(app, a.user.id)).mark).toBe(false);
    expect((await secondFactorState(app, b.user.id)).mark).toBe(true);
  });

  it("a ticket lists the account's own methods, whatever others have", async () => {
    const withApp = await userWithTotp(app);
    const withPasskey = await seedUser(app);
    await insertPasskey(app, withPasskey.id);
    expect((await startLogIn(app, withApp.user.email)).methods).toEqual(["totp", "recovery"]);
    expect((await startLogIn(app, withPasskey.email)).methods).toEqual(["passkey"]);
  });

  it("an app code for an account with only a passkey is a wrong answer, not a failure", async () => {
    const user = await seedUser(app);
    await insertPasskey(app, user.id);
    const { ticket } = await startLogIn(app, user.email);
    await expectAppError(finishLogIn(app, ticket, { totp: "123456" }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
  });
});

describe("an enrolment not yet confirmed is no second factor", () => {
  it("it neither keeps the mark when the last passkey goes, nor shows as a method at log-in", async () => {
    const { user, token } = await signedIn(app);
    const passkey = await insertPasskey(app, user.id);
    await twoFactorSession(app, token); // as the session that added it would be
    await app.caller({ token }).user.startTotp({ password: PASSWORD });
    expect((await startLogIn(app, user.email)).methods).toEqual(["passkey"]);
    await app.caller({ token }).user.removePasskey({ id: passkey.id, password: PASSWORD });
    expect((await secondFactorState(app, user.id)).mark).toBe(false);
  });
});

describe("one ticket, answered twice at once", () => {
  it("an app code and a recovery code sent together open one session", async () => {
    const { user, authenticator, recoveryCodes } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    const before = await app.db.session.count({ where: { userId: user.id } });
    const results = await Promise.allSettled([
      finishLogIn(app, ticket, { totp: authenticator.next() }),
      finishLogIn(app, ticket, { recoveryCode: recoveryCodes[0]! }),
      finishLogIn(app, ticket, { recoveryCode: recoveryCodes[1]! }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(before + 1);
  });
});

describe("one recovery code, sent on several tickets at once", () => {
  it("opens one session, is spent once, and mails its owner once", async () => {
    const { user, recoveryCodes } = await userWithTotp(app);
    const tickets = await Promise.all(Array.from({ length: 5 }, async () => (await startLogIn(app, user.email)).ticket));
    const before = await app.db.session.count({ where: { userId: user.id } });
    const results = await Promise.allSettled(tickets.map((ticket) => finishLogIn(app, ticket, { recoveryCode: recoveryCodes[0]! })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(before + 1);
    expect((await secondFactorState(app, user.id)).recoveryCodes.filter((r) => r.usedAt)).toHaveLength(1);
    expect((await app.mailsTo(user.email)).filter((mail) => mail.kind === "recovery-code-used")).toHaveLength(1);
  });
});

describe("what a second step opens and gives back", () => {
  it("a session whose token is 32 random bytes in base64url, and no mail unless a recovery code was used", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    const { token } = await finishLogIn(app, ticket, { totp: authenticator.next() });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await app.mailsTo(user.email)).filter((mail) => mail.kind === "recovery-code-used")).toEqual([]);
  });

  it(`right codes give their budget back: ${RATE_LIMITS.secondFactorFailuresPerAccount.points + 2} log-ins in a row are never limited`, async () => {
    const { user, authenticator } = await userWithTotp(app);
    for (let i = 0; i < RATE_LIMITS.secondFactorFailuresPerAccount.points + 2; i++) {
      const { ticket } = await startLogIn(app, user.email);
      await finishLogIn(app, ticket, { totp: authenticator.next() });
    }
  });

  it("refusals say what to do", async () => {
    const { user, token, authenticator } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    const wrong = await expectAppError(finishLogIn(app, ticket, { totp: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect(wrong.message).toBe("That code is not right, or it was used already.");
    const dead = await expectAppError(finishLogIn(app, "no-such-ticket", { totp: "123456" }), "UNAUTHORIZED", "TICKET_INVALID");
    expect(dead.message).toMatch(/Log in with your password again/);
    await ageSession(app, token, 11 * 60_000);
    const as = app.caller({ token });
    const stale = await expectAppError(as.user.passkeyRegistrationOptions({}), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    expect(stale.message).toMatch(/Enter your password/);
    const badPassword = await expectAppError(as.user.passkeyRegistrationOptions({ password: "not it" }), "FORBIDDEN", "WRONG_PASSWORD");
    expect(badPassword.message).toBe("Your current password is not correct.");
  });
});

describe("re-authentication's window", () => {
  it("ends at exactly 10 minutes after the last proof", async () => {
    const { token } = await signedIn(app);
    freezeClock();
    await app.db.session.updateMany({
      where: { tokenHash: hashToken(token) },
      data: { authenticatedAt: new Date(Date.now() - 10 * 60_000) },
    });
    await expectAppError(app.caller({ token }).session.revokeOthers(), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await app.db.session.updateMany({
      where: { tokenHash: hashToken(token) },
      data: { authenticatedAt: new Date(Date.now() - 10 * 60_000 + 1) },
    });
    await expect(app.caller({ token }).session.revokeOthers()).resolves.toEqual({ revoked: 0 });
  });
});

describe("enrolment rows", () => {
  it("a second start while a confirmed app exists stores nothing; a database error is not read as 'already there'", async () => {
    const { user } = await userWithTotp(app);
    const before = await secondFactorState(app, user.id);
    expect(await saveTotpEnrolment(app.db, user.id, "sealed", new Date())).toBe(false);
    expect(await secondFactorState(app, user.id)).toEqual(before);
    // No such user: the foreign key fails, and that failure is thrown.
    await expect(saveTotpEnrolment(app.db, "no-such-user", "sealed", new Date())).rejects.toThrow();
  });

  it("a confirmation checked against a secret a newer start has replaced confirms nothing", async () => {
    const { user } = await signedIn(app);
    const started = new Date();
    expect(await saveTotpEnrolment(app.db, user.id, "sealed-first", started)).toBe(true);
    // A second start (another tab) replaces the secret before the first code's check writes.
    expect(await saveTotpEnrolment(app.db, user.id, "sealed-second", started)).toBe(true);
    const before = await secondFactorState(app, user.id);
    const startedAfter = new Date(started.getTime() - 60_000);
    expect(await app.db.$transaction((tx) => confirmTotpFactor(tx, user.id, "sealed-first", 1, startedAfter, new Date()))).toBe(false);
    expect(await secondFactorState(app, user.id)).toEqual(before);
    expect(await app.db.$transaction((tx) => confirmTotpFactor(tx, user.id, "sealed-second", 1, startedAfter, new Date()))).toBe(true);
  });

  it("two confirmations of one enrolment at once: one gets the recovery codes", async () => {
    const { token } = await signedIn(app);
    const as = app.caller({ token });
    const started = await as.user.startTotp({ password: PASSWORD });
    const authenticator = new Authenticator(started.secret);
    const code = authenticator.next();
    const results = await Promise.allSettled([as.user.confirmTotp({ code }), as.user.confirmTotp({ code })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });
});

describe("open passkey registrations", () => {
  // Both insertion orders within the millisecond: without the id as the
  // tiebreak, a database returns ties in one order or the other, and one of
  // the two cases then keeps the wrong row.
  it.each([
    ["a", "b"],
    ["b", "a"],
  ])(
    "trimming keeps a user's newest of that purpose, the later id first among equal times (%s inserted first), and touches no other row",
    async (first, second) => {
      const [a, b] = [await seedUser(app), await seedUser(app)];
      const base = Date.now() - 60_000;
      const at = (ms: number) => new Date(base + ms);
      const row = (id: string, userId: string, purpose: string, createdAt: Date) =>
        app.db.authChallenge.create({
          data: { id, tokenHash: hashToken(`${id}-token`), purpose, userId, createdAt, expiresAt: new Date(Date.now() + 60_000) },
        });
      const tag = a.id.slice(-8);
      await row(`${tag}-${first}`, a.id, "passkey-register", at(1));
      await row(`${tag}-${second}`, a.id, "passkey-register", at(1));
      await row(`${tag}-c`, a.id, "passkey-register", at(2));
      await row(`${tag}-login`, a.id, "passkey-login", at(0));
      await row(`${tag}-theirs`, b.id, "passkey-register", at(0));
      await trimChallengesOf(app.db, a.id, "passkey-register", 2);
      const left = await app.db.authChallenge.findMany({
        where: { id: { startsWith: tag } },
        select: { id: true },
        orderBy: { id: "asc" },
      });
      expect(left.map((r) => r.id)).toEqual([`${tag}-b`, `${tag}-c`, `${tag}-login`, `${tag}-theirs`]);
    },
  );
});

describe("pruning lapsed steps", () => {
  it("deletes tickets and challenges past their end, and only those", async () => {
    const a = await userWithTotp(app);
    const live = (await startLogIn(app, a.user.email)).ticket;
    const lapsed = (await startLogIn(app, a.user.email)).ticket;
    await app.db.authChallenge.updateMany({ where: { tokenHash: hashToken(lapsed) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const total = await app.db.authChallenge.count();
    expect(await deleteLapsedChallenges(app.db, new Date())).toBeGreaterThanOrEqual(1);
    expect(await app.db.authChallenge.count({ where: { tokenHash: hashToken(lapsed) } })).toBe(0);
    expect(await app.db.authChallenge.count({ where: { tokenHash: hashToken(live) } })).toBe(1);
    expect(await app.db.authChallenge.count({ where: { expiresAt: { lt: new Date() } } })).toBe(0);
    expect(await app.db.authChallenge.count()).toBeLessThan(total);
  });
});
