// Security events: each kind recorded where it happens, for the account it
// concerns and nobody else, never a secret in a row or a log line, limit hits
// once per window, refusals throttled, and admins alone reading them.
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { hashPool } from "@/server/auth/password";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { hashToken, newSecretToken } from "@/server/auth/secret-token";
import { createLogger } from "@/server/logger";
import { audit } from "@/server/services/audit";
import { pruneSecurityEvents, THROTTLE } from "@/server/services/security-events";
import { createServices } from "@/server/services/service-container";
import { RATE_LIMITS } from "@/shared/policy";
import { cookieValue, freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { captureLogLines } from "../support/log-lines";
import { CALLER_KINDS, type Cast, seedCast } from "../support/roles";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
let cast: Cast;
beforeAll(async () => {
  app = await createTestApp();
  cast = await seedCast(app);
});
afterAll(() => app.close());
afterEach(() => vi.useRealTimers());

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/** A caller from one client address and browser. */
function client(ip: string, extra: { token?: string; headers?: Record<string, string>; resHeaders?: Headers } = {}, on: TestApp = app) {
  return on.caller({ ip, token: extra.token, resHeaders: extra.resHeaders, headers: { "user-agent": FIREFOX, ...extra.headers } });
}

/** A user's stored events, oldest first, once everything noted is stored. */
async function eventsOf(userId: string) {
  await app.services.securityEvents.flush();
  const rows = await app.db.securityEvent.findMany({ where: { userId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((row) => ({ ...row, details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : {} }));
}

async function eventCount() {
  await app.services.securityEvents.flush();
  return app.db.securityEvent.count();
}

/** The captured lines that are security events, parsed. */
function securityLines(lines: string[]) {
  return lines
    .map((line) => JSON.parse(line) as { level: string; msg: string; securityEvent?: Record<string, unknown> })
    .filter((line) => line.securityEvent)
    .map((line) => ({
      level: line.level,
      ...(line.securityEvent as { type: string; userId: string | null; ip: string | null; details: Record<string, unknown> }),
    }));
}

describe("log-ins", () => {
  it("a success and a wrong password are events of the account, with the client's address and browser; other accounts get none", async () => {
    const user = await seedUser(app);
    const bystander = await seedUser(app);
    await client("198.51.100.7").session.create({ email: user.email, password: PASSWORD });
    await expectAppError(
      client("198.51.100.8").session.create({ email: user.email, password: "wrong but long enough" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );

    const events = await eventsOf(user.id);
    expect(events.map((e) => e.type)).toEqual(["login.succeeded", "login.failed"]);
    const session = await app.db.session.findFirstOrThrow({ where: { userId: user.id }, select: { id: true } });
    expect(events[0]).toMatchObject({
      ip: "198.51.100.7",
      userAgent: FIREFOX,
      email: null,
      actorId: null,
      details: { sessionId: session.id },
    });
    expect(events[1]).toMatchObject({ ip: "198.51.100.8", details: { reason: "wrong_password", knownDevice: false } });
    expect(await eventsOf(bystander.id)).toEqual([]);
  });

  it("the right password for an unconfirmed address is a failed log-in of that account", async () => {
    const user = await seedUser(app, { verified: false });
    await expectAppError(
      client("198.51.100.9").session.create({ email: user.email, password: PASSWORD }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect((await eventsOf(user.id)).map((e) => [e.type, e.details.reason])).toEqual([["login.failed", "email_not_verified"]]);
  });

  it("a log-in to an address without an account is logged without the address, and stored nowhere", async () => {
    const before = await eventCount();
    const logged = captureLogLines();
    const unknown = freshEmail("nobody");
    try {
      await expectAppError(
        client("198.51.100.10").session.create({ email: unknown, password: PASSWORD }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
      await app.services.securityEvents.flush();
    } finally {
      logged.restore();
    }
    expect(await eventCount()).toBe(before);
    expect(await app.db.securityEvent.count({ where: { email: unknown } })).toBe(0);
    const lines = securityLines(logged());
    expect(lines).toEqual([
      expect.objectContaining({
        level: "warn",
        type: "login.failed",
        userId: null,
        ip: "198.51.100.10",
        details: { reason: "unknown_address", knownDevice: false },
      }),
    ]);
    expect(logged().join("\n")).not.toContain(unknown);
  });

  it("a failed password says whether its browser is known to the account, for log-ins and confirmations", async () => {
    const user = await seedUser(app);
    const resHeaders = new Headers();
    await client("198.51.100.12", { resHeaders }).session.create({ email: user.email, password: PASSWORD });
    const known = { cookie: `device=${cookieValue(resHeaders, "device")}` };
    await expectAppError(
      client("198.51.100.12", { headers: known }).session.create({ email: user.email, password: "wrong but long enough" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    const token = await logInAs(app, user.email);
    for (const headers of [known, {}]) {
      await expectAppError(
        client("198.51.100.13", { token, headers }).user.delete({ password: "not the password at all" }),
        "FORBIDDEN",
        "WRONG_PASSWORD",
      );
    }
    const failed = (await eventsOf(user.id)).filter((e) => e.type !== "login.succeeded");
    expect(failed.map((e) => [e.type, e.details])).toEqual([
      ["login.failed", { reason: "wrong_password", knownDevice: true }],
      ["password.confirm_failed", { knownDevice: true }],
      ["password.confirm_failed", { knownDevice: false }],
    ]);
  });

  it("a wrong current password on user.delete is a failed confirmation, not a failed log-in", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    await expectAppError(
      client("198.51.100.11", { token }).user.delete({ password: "not the password at all" }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
    expect((await eventsOf(user.id)).map((e) => e.type)).toEqual(["login.succeeded", "password.confirm_failed"]);
  });
});

describe("limits", () => {
  const PER_CLIENT = RATE_LIMITS.loginFailuresPerAccountAndClient.points;

  it(`a spent budget is one event per window, however many refusals follow, and one again in the next window`, async () => {
    const user = await seedUser(app);
    const attacker = client("198.51.100.20");
    for (let i = 0; i < PER_CLIENT; i++) {
      await expectAppError(
        attacker.session.create({ email: user.email, password: `wrong guess number ${i}` }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
    }
    for (let i = 0; i < 5; i++) {
      await expectAppError(
        attacker.session.create({ email: user.email, password: `refused guess ${i}` }),
        "TOO_MANY_REQUESTS",
        "RATE_LIMITED",
      );
    }
    let events = await eventsOf(user.id);
    expect(events.filter((e) => e.type === "login.failed")).toHaveLength(PER_CLIENT);
    expect(events.filter((e) => e.type === "rate_limit.hit").map((e) => [e.details.limit, e.ip])).toEqual([
      ["loginFailuresPerAccountAndClient", "198.51.100.20"],
    ]);

    // The window ends (the counters keep time by the app's clock): the next time the budget is spent is a new event.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + RATE_LIMITS.loginFailuresPerAccountAndClient.duration * 1000 + 60_000 });
    for (let i = 0; i < PER_CLIENT + 3; i++)
      await attacker.session.create({ email: user.email, password: `second window ${i}` }).catch(() => undefined);
    vi.useRealTimers();
    events = await eventsOf(user.id);
    expect(events.filter((e) => e.type === "rate_limit.hit")).toHaveLength(2);
  });

  it("two instances sharing the database record a spent budget once between them", async () => {
    const user = await seedUser(app);
    const other = createServices(app.config, app.db);
    const ip = "198.51.100.21";
    const onOther = createCaller(createContextInner({ services: other, headers: new Headers({ [PEER_ADDRESS_HEADER]: ip }) }));
    for (let i = 0; i < PER_CLIENT; i++)
      await client(ip)
        .session.create({ email: user.email, password: `wrong guess ${i}` })
        .catch(() => undefined);
    await expectAppError(client(ip).session.create({ email: user.email, password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    await expectAppError(onOther.session.create({ email: user.email, password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    await other.securityEvents.flush();
    expect((await eventsOf(user.id)).filter((e) => e.type === "rate_limit.hit")).toHaveLength(1);
  });

  it("parallel right passwords beyond a budget are refused without spending it; the limit reached is one event", async () => {
    const user = await seedUser(app);
    const attempts = PER_CLIENT + 5;
    // Every attempt takes its points (or is refused) before any password is checked.
    const run = hashPool.run.bind(hashPool);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = vi.spyOn(hashPool, "run").mockImplementation(async (...args) => {
      await gate;
      return run(...args);
    });
    let refused = 0;
    try {
      const outcomes = Array.from({ length: attempts }, () =>
        client("198.51.100.25")
          .session.create({ email: user.email, password: PASSWORD })
          .then(
            () => "ok",
            (error: { appCode?: string }) => {
              refused++;
              return error.appCode;
            },
          ),
      );
      await vi.waitFor(() => expect(held.mock.calls.length + refused).toBe(attempts));
      release();
      const codes = await Promise.all(outcomes);
      expect(codes.filter((c) => c === "ok")).toHaveLength(PER_CLIENT);
      expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(5);
    } finally {
      held.mockRestore();
    }
    // Nothing was spent: every budget is back at zero, and the next log-in goes through.
    const budgets = await app.db.rateLimit.findMany({
      where: { key: { startsWith: "loginFailures" }, AND: { key: { contains: user.email } } },
    });
    for (const budget of budgets) expect(budget.points).toBe(0);
    await client("198.51.100.25").session.create({ email: user.email, password: PASSWORD });
    const events = await eventsOf(user.id);
    expect(events.filter((e) => e.type === "rate_limit.hit").map((e) => e.details.limit)).toEqual(["loginFailuresPerAccountAndClient"]);
    expect(events.filter((e) => e.type === "login.succeeded")).toHaveLength(PER_CLIENT + 1);
  });

  it("the account's budget for unknown browsers spent is a lockout, recorded once", async () => {
    const user = await seedUser(app);
    const limit = RATE_LIMITS.loginFailuresPerAccount;
    await app.db.rateLimit.create({
      data: { key: `loginFailuresPerAccount:${user.email}`, points: limit.points, expire: new Date(Date.now() + 3600_000) },
    });
    for (const ip of ["198.51.100.30", "198.51.100.31", "198.51.100.32"]) {
      await expectAppError(client(ip).session.create({ email: user.email, password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    }
    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.type, e.details.limit, e.ip])).toEqual([["login.locked", "loginFailuresPerAccount", "198.51.100.30"]]);
  });

  it("a client's own budget is logged without naming the account, and stored nowhere", async () => {
    const user = await seedUser(app);
    const ip = "198.51.100.40";
    await app.db.rateLimit.create({
      data: {
        key: `loginFailuresPerClient:${ip}`,
        points: RATE_LIMITS.loginFailuresPerClient.points,
        expire: new Date(Date.now() + 3600_000),
      },
    });
    const logged = captureLogLines();
    try {
      await expectAppError(client(ip).session.create({ email: user.email, password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
      await app.services.securityEvents.flush();
    } finally {
      logged.restore();
    }
    expect(await eventsOf(user.id)).toEqual([]);
    expect(securityLines(logged())).toEqual([
      expect.objectContaining({ level: "warn", type: "rate_limit.hit", userId: null, ip, details: { limit: "loginFailuresPerClient" } }),
    ]);
  });
});

describe("password resets", () => {
  it("asking for a link is an event of the account (while the address's budget lasts), and using it ends the sessions", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    const perEmail = RATE_LIMITS.passwordResetPerEmail.points;
    for (let i = 0; i < perEmail + 3; i++) {
      expect(await client(`198.51.100.${50 + i}`).user.requestPasswordReset({ email: user.email })).toEqual({ ok: true });
    }
    const [mail] = await app.mailsTo(user.email);
    const resetToken = tokenFromLink(mail!.text, "/reset-password");
    await client("198.51.100.60").user.resetPassword({ token: resetToken, password: "a brand new passphrase here" });
    await expectAppError(app.caller({ token }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");

    const events = await eventsOf(user.id);
    const requested = events.filter((e) => e.type === "password_reset.requested");
    expect(requested).toHaveLength(perEmail);
    expect(requested[0]).toMatchObject({ email: user.email, ip: "198.51.100.50", userAgent: FIREFOX });
    expect(events.filter((e) => e.type === "rate_limit.hit").map((e) => e.details.limit)).toEqual(["passwordResetPerEmail"]);
    expect(events.at(-1)).toMatchObject({
      type: "password_reset.completed",
      email: user.email,
      ip: "198.51.100.60",
      details: { sessionsEnded: 1 },
    });
  });

  it("asking for an address without an account stores nothing", async () => {
    const before = await eventCount();
    const unknown = freshEmail("nobody");
    await client("198.51.100.70").user.requestPasswordReset({ email: unknown });
    expect(await eventCount()).toBe(before);
    expect(await app.db.securityEvent.count({ where: { email: unknown } })).toBe(0);
  });
});

describe("session revocations", () => {
  it("log-out, ending one session, ending every other, and an admin's log-out-everywhere naming the admin", async () => {
    const user = await seedUser(app);
    const [a, b, c, d] = [
      await logInAs(app, user.email),
      await logInAs(app, user.email),
      await logInAs(app, user.email),
      await logInAs(app, user.email),
    ];
    const sessionOfA = await app.db.session.findFirstOrThrow({ where: { tokenHash: hashToken(a) }, select: { id: true } });
    await client("198.51.100.80", { token: a }).session.delete();
    const sessionOfB = await app.db.session.findFirstOrThrow({ where: { tokenHash: hashToken(b) }, select: { id: true } });
    await client("198.51.100.81", { token: c }).session.revoke({ id: sessionOfB.id });
    expect(await client("198.51.100.82", { token: c }).session.revokeOthers()).toEqual({ revoked: 1 });
    expect(await client("198.51.100.82", { token: c }).session.revokeOthers()).toEqual({ revoked: 0 }); // nothing ended: no event
    await client("198.51.100.83", { token: cast.tokens.admin }).admin.revokeSessions({ userId: user.id });
    void d;

    const events = (await eventsOf(user.id)).filter((e) => e.type !== "login.succeeded");
    expect(events.map((e) => [e.type, e.details.scope ?? null, e.details.count ?? null, e.ip, e.actorId])).toEqual([
      ["session.logged_out", null, null, "198.51.100.80", null],
      ["session.revoked", "one", 1, "198.51.100.81", null],
      ["session.revoked", "others", 1, "198.51.100.82", null],
      ["session.revoked", "all", 1, "198.51.100.83", cast.users.admin.id],
    ]);
    expect(events[0]!.details).toMatchObject({ sessionId: sessionOfA.id });
    // The admin's own events are untouched by acting on someone else.
    expect((await eventsOf(cast.users.admin.id)).filter((e) => e.type.startsWith("session."))).toEqual([]);
  });
});

describe("refused authorizations", () => {
  it("NOT_PERMITTED, SELF_DELETE and SELF_REPORT_SPAMMER are events of the caller, naming the procedure", async () => {
    const student = await seedUser(app);
    const admin = await seedUser(app, { admin: true });
    const studentToken = await logInAs(app, student.email);
    const adminToken = await logInAs(app, admin.email);
    await expectAppError(client("198.51.100.90", { token: studentToken }).admin.listUsers({}), "FORBIDDEN", "NOT_PERMITTED");
    await expectAppError(
      client("198.51.100.90", { token: studentToken }).admin.setFlags({ reportSpammer: false }),
      "FORBIDDEN",
      "SELF_REPORT_SPAMMER",
    );
    await expectAppError(client("198.51.100.91", { token: adminToken }).admin.deleteUser({ userId: admin.id }), "FORBIDDEN", "SELF_DELETE");

    const refusals = (id: string) => eventsOf(id).then((events) => events.filter((e) => e.type === "authorization.refused"));
    expect((await refusals(student.id)).map((e) => [e.details.code, e.details.procedure, e.ip])).toEqual([
      ["NOT_PERMITTED", "admin.listUsers", "198.51.100.90"],
      ["SELF_REPORT_SPAMMER", "admin.setFlags", "198.51.100.90"],
    ]);
    expect((await refusals(admin.id)).map((e) => [e.details.code, e.details.procedure])).toEqual([["SELF_DELETE", "admin.deleteUser"]]);
  });

  it("on the seeds' routes too (seed 002's session in the body)", async () => {
    const student = await seedUser(app);
    const token = await logInAs(app, student.email);
    const res = await fetch(`${await app.httpUrl()}/user/info`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": FIREFOX },
      body: JSON.stringify({ session: token, user: cast.users.target.id }),
    });
    expect(((await res.json()) as { error: string }).error).toBe("NOT_PERMITTED");
    const refused = (await eventsOf(student.id)).filter((e) => e.type === "authorization.refused");
    expect(refused.map((e) => [e.details.code, e.details.procedure, e.userAgent])).toEqual([["NOT_PERMITTED", "POST /user/info", FIREFOX]]);
  });

  it("a cross-site request from a logged-in browser is an event of its user; without a session it is only logged", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    const evil = { origin: "https://evil.example" };
    await expectAppError(
      client("198.51.100.92", { token, headers: evil }).user.update({ name: "Pwned" }),
      "FORBIDDEN",
      "CROSS_SITE_REQUEST",
    );
    expect((await eventsOf(user.id)).filter((e) => e.type === "authorization.refused").map((e) => e.details)).toEqual([
      { code: "CROSS_SITE_REQUEST", procedure: "user.update" },
    ]);

    const before = await eventCount();
    const logged = captureLogLines();
    try {
      await expectAppError(
        client("198.51.100.93", { headers: evil }).user.requestPasswordReset({ email: user.email }),
        "FORBIDDEN",
        "CROSS_SITE_REQUEST",
      );
      await app.services.securityEvents.flush();
    } finally {
      logged.restore();
    }
    expect(await eventCount()).toBe(before);
    expect(securityLines(logged())).toEqual([
      expect.objectContaining({
        type: "authorization.refused",
        userId: null,
        ip: "198.51.100.93",
        details: { code: "CROSS_SITE_REQUEST", procedure: "user.requestPasswordReset" },
      }),
    ]);
  });

  it(`a flood of refusals writes at most ${THROTTLE.events} per user per window; the next window tells how many were left out`, async () => {
    const student = await seedUser(app);
    const token = await logInAs(app, student.email);
    const caller = client("198.51.100.94", { token });
    for (let i = 0; i < THROTTLE.events + 15; i++) await caller.admin.auditLog({}).catch(() => undefined);
    const refusals = async () => (await eventsOf(student.id)).filter((e) => e.type === "authorization.refused");
    expect(await refusals()).toHaveLength(THROTTLE.events);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + THROTTLE.windowMs + 1000 });
    await caller.admin.auditLog({}).catch(() => undefined);
    vi.useRealTimers();
    const after = await refusals();
    expect(after).toHaveLength(THROTTLE.events + 1);
    expect(after.at(-1)!.details).toMatchObject({ code: "NOT_PERMITTED", leftOutBefore: 15 });
  });
});

describe("no secret in any stored event or log line", () => {
  it("passwords, session tokens, reset links, hashes and the device cookie appear nowhere; log lines hold no address", async () => {
    // As in production: mail goes out through Resend, so no line prints a link (development prints them on purpose).
    const prod = await createTestApp({ resend: true, env: { NODE_ENV: "production" } });
    const logged = captureLogLines();
    const user = await seedUser(prod);
    const newPassword = "another quite long passphrase";
    const from = (extra: Parameters<typeof client>[1] = {}) => client("198.51.100.100", extra, prod);
    let secrets: string[];
    try {
      const resHeaders = new Headers();
      await from({ resHeaders }).session.create({ email: user.email, password: PASSWORD });
      const sessionToken = cookieValue(resHeaders, "session")!;
      const deviceCookie = cookieValue(resHeaders, "device")!;
      await from({ headers: { cookie: `device=${encodeURIComponent(deviceCookie)}` } })
        .session.create({ email: user.email, password: "a wrong password typed here" })
        .catch(() => undefined);
      await from({ token: sessionToken })
        .user.delete({ password: "another wrong password" })
        .catch(() => undefined);
      await from().user.requestPasswordReset({ email: user.email });
      const [mail] = await prod.mailsTo(user.email);
      const resetToken = tokenFromLink(mail!.text, "/reset-password");
      await from().user.resetPassword({ token: resetToken, password: newPassword });
      const second = await logInAs(prod, user.email, newPassword);
      await from({ token: second, headers: { origin: "https://evil.example" } })
        .user.update({ name: "x" })
        .catch(() => undefined);
      await from({ token: second }).session.delete();
      await prod.services.securityEvents.flush();
      const { passwordHash } = await prod.db.login.findUniqueOrThrow({ where: { userId: user.id }, select: { passwordHash: true } });
      secrets = [
        PASSWORD,
        newPassword,
        "a wrong password typed here",
        "another wrong password",
        sessionToken,
        hashToken(sessionToken),
        second,
        hashToken(second),
        deviceCookie,
        resetToken,
        hashToken(resetToken),
        passwordHash,
      ];
    } finally {
      logged.restore();
    }
    try {
      const rows = await prod.db.securityEvent.findMany({ where: { userId: user.id } });
      expect(rows.map((r) => r.type).sort()).toEqual(
        [
          "authorization.refused",
          "login.failed",
          "login.succeeded",
          "login.succeeded",
          "password.confirm_failed",
          "password_reset.completed",
          "password_reset.requested",
          "session.logged_out",
        ].sort(),
      );
      const stored = JSON.stringify(rows);
      const lines = logged().join("\n");
      expect(securityLines(logged())).toHaveLength(rows.length);
      for (const secret of secrets) {
        expect(stored).not.toContain(secret);
        expect(lines).not.toContain(secret);
      }
      expect(lines).not.toContain(user.email);
    } finally {
      await prod.close();
    }
  });

  it("the logger writes no stack trace, scrubs credentials from error messages and redacts credential fields", () => {
    const out: string[] = [];
    const log = createLogger(
      new Writable({
        write: (chunk, _encoding, done) => {
          out.push(String(chunk));
          done();
        },
      }) as never,
      "info",
    );
    const hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2g";
    const token = `-${newSecretToken().slice(1)}`; // a session token, here starting with "-"
    const guid = randomUUID(); // a seed-002 session token
    const error = new Error(
      `update failed: { passwordHash: "${hash}", tokenHash: "${hashToken(token)}", token: "${token}", session: "${guid}" }`,
    );
    log.error({ err: error }, "something failed");
    log.info(
      { password: "hunter2 hunter2", request: { headers: { authorization: `Bearer ${token}`, cookie: `session=${token}` } } },
      "request",
    );
    const text = out.join("");
    expect(text).not.toContain(hash);
    expect(text).not.toContain(token);
    expect(text).not.toContain(hashToken(token));
    expect(text).not.toContain(guid);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("    at "); // a stack frame
    const [failed, request] = out.map((line) => JSON.parse(line) as Record<string, any>);
    expect(failed).toMatchObject({ level: "error", msg: "something failed", err: { type: "Error" } });
    expect(request).toMatchObject({ password: "[redacted]", request: { headers: { authorization: "[redacted]", cookie: "[redacted]" } } });
  });
});

describe("admin.securityEvents", () => {
  it.each(CALLER_KINDS)("only admins may read them: %s", async (kind) => {
    const call = cast.as(kind).admin.securityEvents({ userId: cast.users.target.id });
    if (kind === "anonymous" || kind === "unverified") await expectAppError(call, "UNAUTHORIZED", "SESSION_INVALID");
    else if (kind === "admin") expect(await call).toMatchObject({ items: expect.any(Array) });
    else await expectAppError(call, "FORBIDDEN", "NOT_PERMITTED");
  });

  it("a user's events newest first, in keyset pages, with the place, the browser in words and the acting admin", async () => {
    const user = await seedUser(app);
    const bystander = await seedUser(app);
    await logInAs(app, bystander.email);
    for (let i = 0; i < 4; i++) await client(`198.51.100.${110 + i}`).session.create({ email: user.email, password: PASSWORD });
    await client("198.51.100.120", { token: cast.tokens.admin }).admin.revokeSessions({ userId: user.id });
    await app.services.securityEvents.flush();

    const admin = cast.as("admin").admin;
    const first = await admin.securityEvents({ userId: user.id, limit: 2 });
    const second = await admin.securityEvents({ userId: user.id, limit: 2, cursor: first.nextCursor });
    const third = await admin.securityEvents({ userId: user.id, limit: 2, cursor: second.nextCursor });
    expect(third.nextCursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items];
    expect(all.map((e) => [e.type, e.ip])).toEqual([
      ["session.revoked", "198.51.100.120"],
      ["login.succeeded", "198.51.100.113"],
      ["login.succeeded", "198.51.100.112"],
      ["login.succeeded", "198.51.100.111"],
      ["login.succeeded", "198.51.100.110"],
    ]);
    expect(all[0]).toMatchObject({
      device: "Firefox on Linux (desktop)",
      actor: { id: cast.users.admin.id, name: "Ada Admin", email: cast.users.admin.email },
      details: { scope: "all", count: 4 },
    });
    expect(all[1]!.actor).toBeNull();
    expect(all[1]).not.toHaveProperty("userAgent");
    await expectAppError(admin.securityEvents({ userId: user.id, cursor: "not a cursor" }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin.securityEvents({ userId: user.id, limit: 101 }), "BAD_REQUEST", "VALIDATION_FAILED");
  });
});

describe("keeping events", () => {
  it("an account's events go with it; an admin's deletion leaves the events of the users they acted on", async () => {
    const user = await seedUser(app);
    const leaving = await seedUser(app, { admin: true });
    await logInAs(app, user.email);
    const leavingToken = await logInAs(app, leaving.email);
    await app.caller({ token: leavingToken }).admin.revokeSessions({ userId: user.id });
    await app.services.securityEvents.flush();
    expect(await app.db.securityEvent.count({ where: { userId: leaving.id } })).toBeGreaterThan(0);

    await cast.as("admin").admin.deleteUser({ userId: leaving.id });
    expect(await app.db.securityEvent.count({ where: { userId: leaving.id } })).toBe(0);
    const revoked = await app.db.securityEvent.findFirstOrThrow({ where: { userId: user.id, type: "session.revoked" } });
    expect(revoked.actorId).toBeNull();
    expect((await eventsOf(user.id)).map((e) => e.type)).toEqual(["login.succeeded", "session.revoked"]);
  });

  it("an event whose user was deleted before its batch was stored is left out; the rest of the batch is stored", async () => {
    const staying = await seedUser(app);
    const leaving = await seedUser(app);
    await app.services.securityEvents.flush();
    app.services.securityEvents.note({ type: "login.succeeded", userId: staying.id, client: { ip: "198.51.100.130" } });
    app.services.securityEvents.note({ type: "login.succeeded", userId: leaving.id, client: { ip: "198.51.100.131" } });
    app.services.securityEvents.note({ type: "session.logged_out", userId: staying.id, client: { ip: "198.51.100.132" } });
    await app.db.user.delete({ where: { id: leaving.id } });
    const stored = (await eventsOf(staying.id)).map((e) => `${e.ip} ${e.type}`).sort(); // noted within one millisecond
    expect(stored).toEqual(["198.51.100.130 login.succeeded", "198.51.100.132 session.logged_out"]);
    expect(await app.db.securityEvent.count({ where: { userId: leaving.id } })).toBe(0);
  });

  it("events older than SECURITY_EVENT_RETENTION_DAYS are pruned in batches; younger ones stay", async () => {
    const user = await seedUser(app);
    const day = 24 * 3600 * 1000;
    const ages = [120, 91, 90.5, 89, 1];
    await app.db.securityEvent.createMany({
      data: ages.map((days) => ({
        type: "login.succeeded",
        userId: user.id,
        createdAt: new Date(Date.now() - days * day),
        details: JSON.stringify({ days }),
      })),
    });
    expect(await pruneSecurityEvents(app.db, 90, new Date(), 2)).toBeGreaterThanOrEqual(3);
    const left = await app.db.securityEvent.findMany({ where: { userId: user.id }, select: { details: true } });
    expect(left.map((r) => JSON.parse(r.details!).days).sort((a: number, b: number) => a - b)).toEqual([1, 89]);
  });
});

describe("the audit log names actors by id and email", () => {
  it("each entry keeps the actor's address of that moment; the command line stays as it is", async () => {
    const admin = await seedUser(app, { admin: true, name: "Self Chosen Name" });
    const target = await seedUser(app);
    const token = await logInAs(app, admin.email);
    await app.caller({ token }).admin.setFlags({ userId: target.id, privilegedStudent: true });
    const moved = freshEmail("moved");
    await app.db.login.update({ where: { userId: admin.id }, data: { email: moved } });
    await app.caller({ token }).admin.setFlags({ userId: target.id, privilegedStudent: false });

    const log = await cast.as("admin").admin.auditLog({ userId: target.id });
    expect(log.items.map((e) => e.actor)).toEqual([
      { id: admin.id, label: "Self Chosen Name", email: moved },
      { id: admin.id, label: "Self Chosen Name", email: admin.email },
    ]);
    await audit(app.db, [
      { actor: { id: null, name: "admin:create (command line)" }, target: { id: target.id, label: target.email }, action: "createAdmin" },
    ]);
    const [latest] = (await cast.as("admin").admin.auditLog({ userId: target.id, limit: 1 })).items;
    expect(latest!.actor).toEqual({ id: null, label: "admin:create (command line)", email: null });
  });
});
