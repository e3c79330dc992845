// Two-step verification at log-in: setting up an authenticator app, the
// ticket session.create answers instead of a session, the second step with a
// TOTP code or a recovery code, and the limits on wrong codes; also through
// the seed APIs.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { RATE_LIMITS, SECOND_FACTOR } from "@/shared/policy";
import { cookieValue, logInAs, PASSWORD, seedUser, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { refuseWrites } from "../support/refused-writes";
import {
  Authenticator,
  advanceClock,
  expireTicket,
  finishLogIn,
  freezeClock,
  logInWithTotp,
  resetClock,
  secondFactorState,
  startLogIn,
  userWithTotp,
} from "../support/second-factors";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterEach(resetClock);
afterAll(() => app.close());

const PERIOD_MS = SECOND_FACTOR.totpPeriodSeconds * 1000;

/** Makes queueing mail of one kind fail, as a database refusing the write would; returns the undo. */
function failInsertsOfMailKind(kind: string): Promise<() => Promise<void>> {
  return refuseWrites(app.db, { table: "OutboxEmail", on: "INSERT", when: `NEW."kind" = '${kind}'`, message: "outbox unavailable" });
}

async function sessionsOf(userId: string) {
  return app.db.session.findMany({ where: { userId }, select: { id: true, aal: true, method: true } });
}

describe("setting up an authenticator app", () => {
  it("needs the right password to start; nothing is stored on a wrong one", async () => {
    const { user, token } = await signedIn(app);
    await expectAppError(app.caller({ token }).user.startTotp({ password: "not the password" }), "FORBIDDEN", "WRONG_PASSWORD");
    expect(await app.db.totpFactor.count({ where: { userId: user.id } })).toBe(0);
    const started = await app.caller({ token }).user.startTotp({ password: PASSWORD });
    expect(started.secret).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{4})*$/);
    expect(started.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(started.uri).toContain(`secret=${started.secret.replace(/ /g, "")}`);
    expect(started.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    // Started, not confirmed: no second factor yet.
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, recoveryCodes: [], totp: { confirmedAt: null } });
  });

  it("refuses a wrong first code: the app stays unconfirmed, the session aal1", async () => {
    const { user, token } = await signedIn(app);
    const started = await app.caller({ token }).user.startTotp({ password: PASSWORD });
    const authenticator = new Authenticator(started.secret);
    await expectAppError(app.caller({ token }).user.confirmTotp({ code: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    // A code two steps away is refused too.
    await expectAppError(app.caller({ token }).user.confirmTotp({ code: authenticator.at(3) }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, recoveryCodes: [], totp: { confirmedAt: null } });
    expect(await app.caller({ token }).session.validate()).toMatchObject({ aal: "aal1", method: "password" });
  });

  it("confirms with a right code: ten distinct recovery codes, the user's mark, and this session (only) raised to aal2", async () => {
    const { user, token } = await signedIn(app);
    const otherSession = await logInAs(app, user.email);
    const bystander = await signedIn(app);
    const started = await app.caller({ token }).user.startTotp({ password: PASSWORD });
    const authenticator = new Authenticator(started.secret);
    // Spaces in the code are ignored.
    const code = authenticator.next();
    const { recoveryCodes } = await app.caller({ token }).user.confirmTotp({ code: `${code.slice(0, 3)} ${code.slice(3)}` });

    expect(recoveryCodes).toHaveLength(SECOND_FACTOR.recoveryCodeCount);
    expect(new Set(recoveryCodes).size).toBe(SECOND_FACTOR.recoveryCodeCount);
    for (const recoveryCode of recoveryCodes) expect(recoveryCode).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const state = await secondFactorState(app, user.id);
    expect(state.mark).toBe(true);
    expect(state.totp?.confirmedAt).toBeInstanceOf(Date);
    expect(state.recoveryCodes).toHaveLength(SECOND_FACTOR.recoveryCodeCount);
    // Only hashes are stored.
    const stored = state.recoveryCodes.map((r) => r.codeHash).join(" ");
    for (const recoveryCode of recoveryCodes) expect(stored).not.toContain(recoveryCode.replace("-", ""));

    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id, aal: "aal2", method: "totp" });
    expect(await app.caller({ token: otherSession }).session.validate()).toMatchObject({ aal: "aal1", method: "password" });
    expect(await app.caller({ token: bystander.token }).session.validate()).toMatchObject({ aal: "aal1" });
    expect(await secondFactorState(app, bystander.user.id)).toEqual({ mark: false, totp: null, recoveryCodes: [], passkeys: [] });
    expect(await app.caller({ token }).user.secondFactors()).toMatchObject({
      totp: { enabled: true },
      recoveryCodesLeft: SECOND_FACTOR.recoveryCodeCount,
      passkeys: [],
    });
  });
});

describe("the log-in's second step", () => {
  it("session.create answers a ticket and the methods, with no session cookie and no session row", async () => {
    const { user } = await userWithTotp(app);
    const before = await sessionsOf(user.id);
    const resHeaders = new Headers();
    const result = await app.caller({ resHeaders }).session.create({ email: user.email, password: PASSWORD });
    expect(result).toEqual({
      secondFactor: { ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), methods: ["totp", "recovery"], expiresAt: expect.any(String) },
    });
    if (!("secondFactor" in result)) throw new Error("unreachable");
    const lifetime = new Date(result.secondFactor.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(SECOND_FACTOR.ticketSeconds * 1000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(SECOND_FACTOR.ticketSeconds * 1000);
    expect(cookieValue(resHeaders, "session")).toBeNull();
    expect(await sessionsOf(user.id)).toEqual(before);
    // The ticket is stored as its hash only.
    const challenge = await app.db.authChallenge.findUnique({ where: { tokenHash: hashToken(result.secondFactor.ticket) } });
    expect(challenge).toMatchObject({ purpose: "second-factor", userId: user.id, tries: 0, usedAt: null });
  });

  it("a wrong password still answers INVALID_CREDENTIALS, with no ticket", async () => {
    const { user } = await userWithTotp(app);
    const tickets = await app.db.authChallenge.count({ where: { userId: user.id } });
    await expectAppError(
      app.caller().session.create({ email: user.email, password: "not the password" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect(await app.db.authChallenge.count({ where: { userId: user.id } })).toBe(tickets);
  });

  it("a TOTP code opens an aal2 session (method totp) that validate and list show; the ticket is spent", async () => {
    const { user, authenticator, token: enrolSession } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    const { token, session } = await finishLogIn(app, ticket, { totp: authenticator.next() }, { headers: { "user-agent": "Two/1.0" } });
    expect(session).toMatchObject({ userId: user.id, aal: "aal2", method: "totp" });
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id, aal: "aal2", method: "totp" });
    const listed = await app.caller({ token }).session.list();
    expect(listed.find((s) => s.current)).toMatchObject({ aal: "aal2", method: "totp" });
    expect(listed).toHaveLength(2);
    expect(listed.find((s) => !s.current)).toMatchObject({ aal: "aal2", method: "totp" }); // the enrolling session
    expect(await app.caller({ token: enrolSession }).session.validate()).toMatchObject({ aal: "aal2" });
    expect(await app.db.authChallenge.findUnique({ where: { tokenHash: hashToken(ticket) } })).toMatchObject({
      usedAt: expect.any(Date),
    });
    // A spent ticket opens nothing more, even with a right code.
    await expectAppError(finishLogIn(app, ticket, { totp: authenticator.next() }), "UNAUTHORIZED", "TICKET_INVALID");
    expect(await sessionsOf(user.id)).toHaveLength(2);
  });

  it("refuses a code used before (same step) with SECOND_FACTOR_INVALID, on a new ticket too", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const code = authenticator.next();
    const first = await startLogIn(app, user.email);
    await finishLogIn(app, first.ticket, { totp: code });
    const second = await startLogIn(app, user.email);
    const refused = await expectAppError(finishLogIn(app, second.ticket, { totp: code }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect(refused.details).toMatchObject({ triesLeft: SECOND_FACTOR.ticketTries - 1 });
    // The code enrolment confirmed is used too.
    await expectAppError(
      finishLogIn(app, second.ticket, { totp: authenticator.codeAt(authenticator.lastStep - 1) }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    expect(await sessionsOf(user.id)).toHaveLength(2); // the enrolling session and the first log-in
  });

  it("accepts one step of drift either way, not two", async () => {
    const { user, authenticator } = await userWithTotp(app);
    // Three steps on, the enrolment's step is behind both neighbours of now.
    freezeClock();
    advanceClock(3 * PERIOD_MS);
    const now = Authenticator.nowStep();
    const { ticket } = await startLogIn(app, user.email);
    // Two steps back: later than the last code used, but out of drift.
    await expectAppError(finishLogIn(app, ticket, { totp: authenticator.codeAt(now - 2) }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    await expectAppError(finishLogIn(app, ticket, { totp: authenticator.codeAt(now + 2) }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    expect(await sessionsOf(user.id)).toHaveLength(1);
    // One step back, then one step ahead.
    await finishLogIn(app, ticket, { totp: authenticator.codeAt(now - 1) });
    const next = await startLogIn(app, user.email);
    await finishLogIn(app, next.ticket, { totp: authenticator.codeAt(now + 1) });
    expect(await sessionsOf(user.id)).toHaveLength(3);
  });

  it("refuses an expired ticket with TICKET_INVALID, even with the right code", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    await expireTicket(app, ticket);
    await expectAppError(finishLogIn(app, ticket, { totp: authenticator.next() }), "UNAUTHORIZED", "TICKET_INVALID");
    expect(await sessionsOf(user.id)).toHaveLength(1);
    // The code was not taken: a fresh ticket accepts the same one.
    const fresh = await startLogIn(app, user.email);
    await finishLogIn(app, fresh.ticket, { totp: authenticator.codeAt(authenticator.lastStep) });
  });

  it("refuses an unknown ticket with TICKET_INVALID", async () => {
    await expectAppError(
      app.caller().session.completeSecondFactor({ ticket: "x".repeat(43), totp: "123456" }),
      "UNAUTHORIZED",
      "TICKET_INVALID",
    );
  });

  it(`counts tries down; after ${SECOND_FACTOR.ticketTries} wrong codes even the right code is TICKET_INVALID`, async () => {
    const { user, authenticator } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    const triesLeft: unknown[] = [];
    for (let i = 0; i < SECOND_FACTOR.ticketTries; i++) {
      const refused = await expectAppError(finishLogIn(app, ticket, { totp: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
      triesLeft.push(refused.details.triesLeft);
    }
    expect(triesLeft).toEqual([4, 3, 2, 1, 0]);
    const right = authenticator.next();
    await expectAppError(finishLogIn(app, ticket, { totp: right }), "UNAUTHORIZED", "TICKET_INVALID");
    expect(await sessionsOf(user.id)).toHaveLength(1);
    // Another ticket of the same account takes the code that was not checked.
    const fresh = await startLogIn(app, user.email);
    await finishLogIn(app, fresh.ticket, { totp: right });
  });

  it("of 50 parallel right answers to one ticket, exactly one opens a session", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const { ticket } = await startLogIn(app, user.email);
    const code = authenticator.next();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => app.caller().session.completeSecondFactor({ ticket, totp: code })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const codes = new Set(results.flatMap((r) => (r.status === "rejected" ? [(r.reason as { appCode: string }).appCode] : [])));
    for (const appCode of codes) expect(["TICKET_INVALID", "SECOND_FACTOR_INVALID"]).toContain(appCode);
    expect(await sessionsOf(user.id)).toHaveLength(2);
  });

  it("a recovery code works once, in any case and spacing, and its owner is mailed", async () => {
    const { user, authenticator, recoveryCodes } = await userWithTotp(app);
    const bystander = await userWithTotp(app);
    const [recoveryCode] = recoveryCodes as [string];
    const { ticket } = await startLogIn(app, user.email);
    const { token, session } = await finishLogIn(app, ticket, { recoveryCode: ` ${recoveryCode.toUpperCase().replace("-", " ")} ` });
    expect(session).toMatchObject({ aal: "aal2", method: "recovery" });
    expect(await app.caller({ token }).session.validate()).toMatchObject({ aal: "aal2", method: "recovery" });
    expect(await app.caller({ token }).user.secondFactors()).toMatchObject({ recoveryCodesLeft: SECOND_FACTOR.recoveryCodeCount - 1 });

    const mails = (await app.mailsTo(user.email)).filter((mail) => mail.kind === "recovery-code-used");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/recovery code/i);
    // The bystander was told only of setting up their own app.
    expect((await app.mailsTo(bystander.user.email)).map((mail) => mail.kind)).toEqual(["second-factor-changed"]);

    const again = await startLogIn(app, user.email);
    await expectAppError(finishLogIn(app, again.ticket, { recoveryCode }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    // Another user's code does not work for this account.
    await expectAppError(
      finishLogIn(app, again.ticket, { recoveryCode: bystander.recoveryCodes[0]! }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    expect(await sessionsOf(user.id)).toHaveLength(2);
    expect((await app.mailsTo(user.email)).filter((mail) => mail.kind === "recovery-code-used")).toHaveLength(1);
    expect((await secondFactorState(app, bystander.user.id)).recoveryCodes.filter((r) => r.usedAt)).toEqual([]);
    // The app still works beside the codes.
    await finishLogIn(app, again.ticket, { totp: authenticator.next() });
  });

  it("a recovery code is spent only with its owner's notice: when the notice cannot be queued, the code stays and no session opens", async () => {
    const { user, recoveryCodes } = await userWithTotp(app);
    const [recoveryCode] = recoveryCodes as [string];
    const undo = await failInsertsOfMailKind("recovery-code-used");
    const { ticket } = await startLogIn(app, user.email);
    const before = await sessionsOf(user.id);
    try {
      await expect(finishLogIn(app, ticket, { recoveryCode })).rejects.toThrow();
    } finally {
      await undo();
    }
    expect((await secondFactorState(app, user.id)).recoveryCodes.filter((r) => r.usedAt)).toEqual([]);
    expect(await sessionsOf(user.id)).toEqual(before);
    expect((await app.mailsTo(user.email)).filter((mail) => mail.kind === "recovery-code-used")).toEqual([]);
    // The database back: the same code works on the same ticket, and the notice goes.
    const { session } = await finishLogIn(app, ticket, { recoveryCode });
    expect(session).toMatchObject({ method: "recovery" });
    expect((await app.mailsTo(user.email)).filter((mail) => mail.kind === "recovery-code-used")).toHaveLength(1);
  });

  it("each step leaves a security event for the account: what failed, how the log-in passed, codes left", async () => {
    const { user, authenticator, recoveryCodes } = await userWithTotp(app);
    const events = async () => {
      await app.services.securityEvents.flush();
      const rows = await app.db.securityEvent.findMany({ where: { userId: user.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      return rows.map((row) => ({ type: row.type, details: JSON.parse(row.details ?? "{}") as Record<string, unknown> }));
    };
    const before = (await events()).length;
    const first = await startLogIn(app, user.email);
    await expectAppError(finishLogIn(app, first.ticket, { totp: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    await expectAppError(finishLogIn(app, first.ticket, { recoveryCode: "zzzzz-zzzzz" }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    await finishLogIn(app, first.ticket, { totp: authenticator.next() });
    const second = await startLogIn(app, user.email);
    await finishLogIn(app, second.ticket, { recoveryCode: recoveryCodes[0]! });
    const seen = (await events()).slice(before).filter((e) => e.type !== "login.failed");
    // Events of the same millisecond have no order among them: compared as a set.
    expect(seen).toHaveLength(5);
    expect(seen).toEqual(
      expect.arrayContaining([
        { type: "second_factor.failed", details: { method: "totp" } },
        { type: "second_factor.failed", details: { method: "recovery" } },
        { type: "login.succeeded", details: { sessionId: expect.any(String), method: "totp" } },
        { type: "login.succeeded", details: { sessionId: expect.any(String), method: "recovery" } },
        { type: "recovery_code.used", details: { left: SECOND_FACTOR.recoveryCodeCount - 1 } },
      ]),
    );
  });

  it("once every recovery code is used, the ticket offers only the app", async () => {
    const { user } = await userWithTotp(app);
    await app.db.recoveryCode.updateMany({ where: { userId: user.id }, data: { usedAt: new Date() } });
    expect((await startLogIn(app, user.email)).methods).toEqual(["totp"]);
  });
});

describe(`the account's limit: ${RATE_LIMITS.secondFactorFailuresPerAccount.points} wrong codes per 15 minutes, across tickets`, () => {
  const LIMIT = RATE_LIMITS.secondFactorFailuresPerAccount.points;

  it("refuses the next code, even the right one, with RATE_LIMITED; another account is not affected", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const other = await userWithTotp(app);
    let ticket = "";
    for (let i = 0; i < LIMIT; i++) {
      if (i % SECOND_FACTOR.ticketTries === 0) ticket = (await startLogIn(app, user.email, { ip: `198.51.100.${i}` })).ticket;
      await expectAppError(finishLogIn(app, ticket, { totp: authenticator.wrong() }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    }
    const fresh = await startLogIn(app, user.email, { ip: "192.0.2.99" });
    const right = authenticator.next();
    const limited = await expectAppError(finishLogIn(app, fresh.ticket, { totp: right }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(0);
    await expectAppError(
      finishLogIn(app, fresh.ticket, { recoveryCode: (await userWithTotp(app)).recoveryCodes[0]! }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(await sessionsOf(user.id)).toHaveLength(1);
    // The refused right code was not checked, so not taken.
    expect((await app.db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } })).lastStep).toBeLessThan(authenticator.lastStep);

    await logInWithTotp(app, other.user.email, other.authenticator);
    expect(await sessionsOf(other.user.id)).toHaveLength(2);
  });

  it("is reserved before the check: of parallel wrong codes, only the limit's worth are checked", async () => {
    const { user, authenticator } = await userWithTotp(app);
    const tickets = await Promise.all([0, 1, 2].map(() => startLogIn(app, user.email)));
    const attempts = tickets.flatMap(({ ticket }) =>
      Array.from({ length: SECOND_FACTOR.ticketTries }, () =>
        app.caller().session.completeSecondFactor({ ticket, totp: authenticator.wrong() }),
      ),
    );
    const results = await Promise.allSettled(attempts);
    const appCodes = results.map((r) => (r.status === "rejected" ? (r.reason as { appCode: string }).appCode : "ok"));
    expect(appCodes.filter((c) => c === "SECOND_FACTOR_INVALID")).toHaveLength(LIMIT);
    expect(appCodes.filter((c) => c === "RATE_LIMITED")).toHaveLength(3 * SECOND_FACTOR.ticketTries - LIMIT);
    const fresh = await startLogIn(app, user.email);
    await expectAppError(finishLogIn(app, fresh.ticket, { totp: authenticator.next() }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    expect(await sessionsOf(user.id)).toHaveLength(1);
  });
});

describe("through the seed APIs", () => {
  async function post(path: string, body: unknown) {
    const res = await fetch(`${await app.httpUrl()}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { res, status: res.status, body: (await res.json()) as any };
  }

  it("seed 000: /session/create answers 403 SECOND_FACTOR_REQUIRED with the ticket; /session/second-factor finishes with a cookie", async () => {
    const { user, authenticator, recoveryCodes } = await userWithTotp(app);
    const login = await post("/api/user/session/create", { email: user.email, password: PASSWORD });
    expect(login.status).toBe(403);
    expect(login.body).toMatchObject({
      status: "error",
      error: {
        code: "SECOND_FACTOR_REQUIRED",
        ticket: expect.any(String),
        methods: ["totp", "recovery"],
        ticketExpiresAt: expect.any(String),
      },
    });
    expect(login.res.headers.getSetCookie().some((c) => /^(__Host-)?session=/.test(c))).toBe(false);
    expect(await sessionsOf(user.id)).toHaveLength(1);

    const wrong = await post("/api/user/session/second-factor", { ticket: login.body.error.ticket, code: authenticator.wrong() });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ code: "SECOND_FACTOR_INVALID", triesLeft: SECOND_FACTOR.ticketTries - 1 });

    const done = await post("/api/user/session/second-factor", { ticket: login.body.error.ticket, code: authenticator.next() });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      status: "success",
      data: { userId: user.id, expiresAt: expect.any(String), aal: "aal2", method: "totp" },
    });
    const cookie = done.res.headers.getSetCookie().find((c) => /^(__Host-)?session=/.test(c));
    expect(cookie).toContain("HttpOnly");
    const token = decodeURIComponent(cookie!.split(";")[0]!.split("=")[1]!);
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id, aal: "aal2", method: "totp" });

    // A recovery code goes in the same field.
    const again = await post("/api/user/session/create", { email: user.email, password: PASSWORD });
    const byRecovery = await post("/api/user/session/second-factor", { ticket: again.body.error.ticket, code: recoveryCodes[1] });
    expect(byRecovery.body.data).toMatchObject({ aal: "aal2", method: "recovery" });
    // A used ticket is TICKET_INVALID (401).
    const spent = await post("/api/user/session/second-factor", { ticket: login.body.error.ticket, code: authenticator.next() });
    expect({ status: spent.status, code: spent.body.error.code }).toEqual({ status: 401, code: "TICKET_INVALID" });
    expect(await sessionsOf(user.id)).toHaveLength(3);
  });

  it("seed 002: /user/login answers SECOND_FACTOR_REQUIRED without a ticket, and opens no session", async () => {
    const { user } = await userWithTotp(app);
    const login = await post("/user/login", { email: user.email, password: PASSWORD });
    expect({ status: login.status, body: login.body }).toEqual({ status: 403, body: { error: "SECOND_FACTOR_REQUIRED", session: null } });
    expect(await sessionsOf(user.id)).toHaveLength(1);
    // Nor a ticket it could never use.
    expect(await app.db.authChallenge.count({ where: { userId: user.id, purpose: "second-factor" } })).toBe(0);
    // An account without a second factor still logs in there.
    const plain = await seedUser(app);
    expect((await post("/user/login", { email: plain.email, password: PASSWORD })).body).toMatchObject({ error: null });
  });
});
