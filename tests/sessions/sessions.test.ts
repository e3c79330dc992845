import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { pruneExpiredSessions } from "@/server/services/session-pruning";
import { issueSession, logIn } from "@/server/services/sessions";
import { RATE_LIMITS } from "@/shared/policy";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("session.create", () => {
  it("logs in, stores only the token's SHA-256, and sets an HttpOnly SameSite=Lax cookie", async () => {
    const user = await seedUser(app);
    const resHeaders = new Headers();
    const result = await app.caller({ resHeaders, headers: { "user-agent": "TestAgent/1.0" } }).session.create({
      email: user.email.toUpperCase(),
      password: PASSWORD,
    });
    if (!("userId" in result)) throw new Error("expected a session, not a second step");
    expect(result).toMatchObject({ userId: user.id, aal: "aal1", method: "password" });
    const ttl = new Date(result.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(10800_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(10800_000);
    const cookie = resHeaders.getSetCookie()[0]!;
    expect(cookie).toMatch(/^session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    const token = cookie.split(";")[0]!.slice("session=".length);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const stored = await app.db.session.findFirst({ where: { userId: user.id } });
    expect(stored?.tokenHash).toBe(hashToken(token));
    expect(stored?.userAgent).toBe("TestAgent/1.0");
    expect(stored?.ip).toBe("203.0.113.1");
  });

  const PASSWORD_OF_PROBE = "the prober's own long passphrase";

  it("answers it so even when the client may ask for no more confirmation links (never RATE_LIMITED for it)", async () => {
    const ip = "198.51.100.64";
    const email = freshEmail("probe-limited");
    await app.caller({ ip }).user.register({ email, password: PASSWORD, name: "Pat Quinn" });
    for (let i = 0; i < RATE_LIMITS.resendVerificationPerIp.points; i++) {
      await app.caller({ ip }).user.resendVerification({ email: freshEmail("elsewhere") });
    }
    await expectAppError(app.caller({ ip }).user.resendVerification({ email }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    await expectAppError(app.caller({ ip }).session.create({ email, password: PASSWORD }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
  });

  it("answers an unknown email and a wrong password with the same INVALID_CREDENTIALS", async () => {
    const user = await seedUser(app);
    const wrong = await expectAppError(
      app.caller().session.create({ email: user.email, password: "wrong password here" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    const unknown = await expectAppError(
      app.caller().session.create({ email: freshEmail("nobody"), password: "wrong password here" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect(unknown.message).toBe(wrong.message);
    expect(wrong.message).toBe("The email address or password is not correct.");
  });

  // Whoever registers an address chooses its password: were the right password
  // of an unconfirmed account answered apart, registering and then logging in
  // with one's own password would tell whether the address was free or taken.
  it("answers the right password of an unconfirmed address exactly as a wrong one, and mails it a fresh link", async () => {
    const email = freshEmail("probe");
    await app.caller({ ip: "198.51.100.60" }).user.register({ email, password: PASSWORD, name: "Pat Quinn" });
    const taken = await seedUser(app);
    await app.caller({ ip: "198.51.100.61" }).user.register({ email: taken.email, password: PASSWORD_OF_PROBE, name: "Pat Quinn" });
    const free = await expectAppError(
      app.caller({ ip: "198.51.100.62" }).session.create({ email, password: PASSWORD }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    const someones = await expectAppError(
      app.caller({ ip: "198.51.100.62" }).session.create({ email: taken.email, password: PASSWORD_OF_PROBE }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect({ message: free.message, details: free.details }).toEqual({ message: someones.message, details: someones.details });
    expect(await app.db.session.count({ where: { user: { login: { email } } } })).toBe(0);
    // Its points are kept as a wrong password's are: how soon RATE_LIMITED comes tells nothing either.
    const pointsOf = async (address: string) =>
      (
        await app.db.rateLimit.findMany({ where: { key: { startsWith: "loginFailures", contains: address } }, orderBy: { key: "asc" } })
      ).map((r) => r.points);
    expect(await pointsOf(email)).toEqual(await pointsOf(taken.email));
    // The address's owner (whoever opens the mailbox) gets a fresh link; the account stays unconfirmed.
    await expect.poll(async () => (await app.mailsTo(email)).filter((m) => m.kind === "verify-email").length).toBe(2);
    expect(await app.db.login.findUniqueOrThrow({ where: { email }, select: { emailVerifiedAt: true } })).toEqual({
      emailVerifiedAt: null,
    });
    // That link spends the address's budget only: had it spent the client's
    // resend budget, the client's next RATE_LIMITED would come one request
    // sooner after a free address than after someone's.
    for (let i = 0; i < RATE_LIMITS.resendVerificationPerIp.points; i++) {
      expect(await app.caller({ ip: "198.51.100.62" }).user.resendVerification({ email: freshEmail("other") })).toEqual({ ok: true });
    }
    await expectAppError(
      app.caller({ ip: "198.51.100.62" }).user.resendVerification({ email: freshEmail("other") }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
  });

  // Those links have a per-client budget of their own, spent silently: a
  // client that registered many addresses could otherwise have each mailed
  // again and again by logging in, bounded only by its log-in failures.
  it(`a client's log-ins send at most ${RATE_LIMITS.confirmationOnLogInPerIp.points} such links an hour; past that, the same answer and no mail`, async () => {
    const email = freshEmail("flood");
    await app.caller({ ip: "198.51.100.70" }).user.register({ email, password: PASSWORD, name: "Pat Quinn" });
    await app.db.rateLimit.create({
      data: {
        key: "confirmationOnLogInPerIp:198.51.100.71",
        points: RATE_LIMITS.confirmationOnLogInPerIp.points,
        expire: new Date(Date.now() + 3600_000),
      },
    });
    const refused = await expectAppError(
      app.caller({ ip: "198.51.100.71" }).session.create({ email, password: PASSWORD }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect(refused.message).toBe("The email address or password is not correct.");
    // Another client's log-in still sends one: the first refusal's link, had it gone, would make three.
    await app
      .caller({ ip: "198.51.100.72" })
      .session.create({ email, password: PASSWORD })
      .catch(() => undefined);
    await expect.poll(async () => app.db.outboxEmail.count({ where: { to: email, kind: "verify-email" } })).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await app.db.outboxEmail.count({ where: { to: email, kind: "verify-email" } })).toBe(2);
    // The client's resend budget is untouched.
    expect(await app.caller({ ip: "198.51.100.71" }).user.resendVerification({ email: freshEmail("other") })).toEqual({ ok: true });
  });

  it(`allows ${RATE_LIMITS.loginFailuresPerAccountAndClient.points} failures per address from one client per 15 minutes, then RATE_LIMITED even with the right password`, async () => {
    const user = await seedUser(app);
    const ip = "198.51.100.7";
    for (let i = 0; i < RATE_LIMITS.loginFailuresPerAccountAndClient.points; i++) {
      await expectAppError(
        app.caller({ ip }).session.create({ email: user.email, password: "wrong password here" }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
    }
    const limited = await expectAppError(
      app.caller({ ip }).session.create({ email: user.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);

    // Once the 15-minute window has passed, the right password works again.
    await app.db.rateLimit.updateMany({ where: { key: { contains: user.email } }, data: { expire: new Date(Date.now() - 1000) } });
    await app.caller({ ip }).session.create({ email: user.email, password: PASSWORD });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  it("reads the failure window in UTC whatever the server's time zone", async () => {
    // Timestamps are stored as UTC; read back in local time, a window in a
    // zone 14 hours ahead of UTC would look long past and let log-ins through.
    const zone = process.env.TZ;
    process.env.TZ = "Pacific/Kiritimati";
    try {
      const user = await seedUser(app);
      for (let i = 0; i < RATE_LIMITS.loginFailuresPerAccountAndClient.points; i++) {
        await expectAppError(
          app.caller().session.create({ email: user.email, password: "wrong password here" }),
          "UNAUTHORIZED",
          "INVALID_CREDENTIALS",
        );
      }
      const limited = await expectAppError(
        app.caller().session.create({ email: user.email, password: PASSWORD }),
        "TOO_MANY_REQUESTS",
        "RATE_LIMITED",
      );
      expect(limited.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it(`allows ${RATE_LIMITS.loginFailuresPerClient.points} failures per client address, then RATE_LIMITED for any email`, async () => {
    const ip = "192.0.2.77";
    for (let i = 0; i < RATE_LIMITS.loginFailuresPerClient.points; i++) {
      await expectAppError(
        app.caller({ ip }).session.create({ email: freshEmail("spray"), password: "wrong password here" }),
        "UNAUTHORIZED",
        "INVALID_CREDENTIALS",
      );
    }
    const user = await seedUser(app);
    const limited = await expectAppError(
      app.caller({ ip }).session.create({ email: user.email, password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    // Another address is not affected.
    await app.caller({ ip: "192.0.2.78" }).session.create({ email: user.email, password: PASSWORD });
  });
});

describe("session.validate and session.delete", () => {
  it("validates a session from the Authorization bearer header", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id });
  });

  it("validates a session from the cookie", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    expect(await app.caller({ headers: { cookie: `session=${token}` } }).session.validate()).toMatchObject({ userId: user.id });
  });

  it("refuses a missing or unknown token with SESSION_INVALID", async () => {
    await expectAppError(app.caller().session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    await expectAppError(app.caller({ token: "a".repeat(43) }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
  });

  it("a request without any token is SESSION_INVALID and clears no cookie (it sent none)", async () => {
    const resHeaders = new Headers();
    await expectAppError(app.caller({ resHeaders }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    await expectAppError(app.caller({ resHeaders }).user.get(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(resHeaders.getSetCookie()).toEqual([]);
  });

  it("logging out without a token is SESSION_INVALID and ends no session", async () => {
    const user = await seedUser(app);
    await logInAs(app, user.email);
    const before = await app.db.session.count();
    await expectAppError(app.caller().session.delete(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await app.db.session.count()).toBe(before);
  });

  it("logs out: the session is revoked and the cookie cleared; a second logout is SESSION_INVALID", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    const resHeaders = new Headers();
    expect(await app.caller({ token, resHeaders }).session.delete()).toEqual({ ok: true });
    expect(resHeaders.getSetCookie()[0]).toMatch(/^session=; .*Expires=Thu, 01 Jan 1970/);
    await expectAppError(app.caller({ token }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    const again = new Headers();
    await expectAppError(app.caller({ token, resHeaders: again }).session.delete(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(again.getSetCookie()[0]).toMatch(/^session=;/);
  });
});

describe("session expiry", () => {
  let short: TestApp;
  beforeAll(async () => {
    short = await createTestApp({ env: { SESSION_TTL_SECONDS: "1" } });
  });
  afterAll(() => short.close());

  it("an expired session is refused with SESSION_INVALID and deleted", async () => {
    const user = await seedUser(short);
    const token = await logInAs(short, user.email);
    expect(await short.caller({ token }).session.validate()).toMatchObject({ userId: user.id });
    await new Promise((r) => setTimeout(r, 1100));
    await expectAppError(short.caller({ token }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await short.db.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("an expired session can still be logged out (it existed), once", async () => {
    const user = await seedUser(short);
    const token = await logInAs(short, user.email);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await short.caller({ token }).session.delete()).toEqual({ ok: true });
    await expectAppError(short.caller({ token }).session.delete(), "UNAUTHORIZED", "SESSION_INVALID");
  });
});

describe("pruning expired sessions", () => {
  it("deletes every expired session, in batches, and leaves live ones", async () => {
    const user = await seedUser(app);
    const live = await logInAs(app, user.email);
    const past = new Date(Date.now() - 1000);
    await app.db.session.createMany({
      data: Array.from({ length: 5 }, (_, i) => ({ tokenHash: hashToken(`abandoned-${user.id}-${i}`), userId: user.id, expiresAt: past })),
    });
    expect(await pruneExpiredSessions(app.db, new Date(), 2)).toBeGreaterThanOrEqual(5);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
    expect(await app.db.session.count({ where: { expiresAt: { lte: new Date() } } })).toBe(0);
    expect(await app.caller({ token: live }).session.validate()).toMatchObject({ userId: user.id });
    expect(await pruneExpiredSessions(app.db)).toBe(0);
  });
});

describe("a session rule touches its own session only", () => {
  /** Every session row, for comparing before and after. */
  const allSessions = () => app.db.session.findMany({ orderBy: { id: "asc" } });

  it("logging out ends that session only: the same user's other sessions and other users' stay, unchanged", async () => {
    const [ada, bob] = [await seedUser(app), await seedUser(app)];
    const [ada1, ada2, bob1] = [await logInAs(app, ada.email), await logInAs(app, ada.email), await logInAs(app, bob.email)];
    const before = (await allSessions()).filter((s) => s.tokenHash !== hashToken(ada1));
    await app.caller({ token: ada1 }).session.delete();
    expect(await allSessions()).toEqual(before);
    for (const token of [ada2, bob1]) expect(await app.caller({ token }).session.validate()).toBeTruthy();
  });

  it("presenting an expired token deletes that session only", async () => {
    const [ada, bob] = [await seedUser(app), await seedUser(app)];
    const live = await logInAs(app, bob.email);
    await app.db.session.create({ data: { tokenHash: hashToken("expired-one"), userId: ada.id, expiresAt: new Date(Date.now() - 1) } });
    const others = (await allSessions()).filter((s) => s.tokenHash !== hashToken("expired-one"));
    await expectAppError(app.caller({ token: "expired-one" }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await allSessions()).toEqual(others);
    expect(await app.caller({ token: live }).session.validate()).toMatchObject({ userId: bob.id });
  });

  it("a session is valid up to the millisecond before expiresAt and invalid at it", async () => {
    const user = await seedUser(app);
    const expiresAt = new Date(Date.now() + 3_600_000);
    const lastUsedAt = new Date(expiresAt.getTime() - 1000);
    await app.db.session.create({ data: { tokenHash: hashToken("edge-of-expiry"), userId: user.id, expiresAt, lastUsedAt } });
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(expiresAt.getTime() - 1);
      expect(await app.caller({ token: "edge-of-expiry" }).session.validate()).toMatchObject({ userId: user.id });
      vi.setSystemTime(expiresAt.getTime());
      await expectAppError(app.caller({ token: "edge-of-expiry" }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    } finally {
      vi.useRealTimers();
    }
    expect(await app.db.session.count({ where: { tokenHash: hashToken("edge-of-expiry") } })).toBe(0);
  });

  it("lastUsedAt is refreshed once more than a minute has passed, not before, and only on that session", async () => {
    const user = await seedUser(app);
    const other = await logInAs(app, user.email);
    const usedAt = new Date(Date.now() - 10_000);
    const row = await app.db.session.create({
      data: { tokenHash: hashToken("used-earlier"), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), lastUsedAt: usedAt },
    });
    const otherBefore = await app.db.session.findUniqueOrThrow({ where: { tokenHash: hashToken(other) } });
    const lastUsed = async () => (await app.db.session.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt.getTime();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(usedAt.getTime() + 60_000);
      await app.caller({ token: "used-earlier" }).session.validate();
      expect(await lastUsed()).toBe(usedAt.getTime());
      vi.setSystemTime(usedAt.getTime() + 60_001);
      await app.caller({ token: "used-earlier" }).session.validate();
      expect(await lastUsed()).toBe(usedAt.getTime() + 60_001);
    } finally {
      vi.useRealTimers();
    }
    expect(await app.db.session.findUniqueOrThrow({ where: { tokenHash: hashToken(other) } })).toEqual(otherBefore);
  });

  it("stores at most 64 characters of the client address and 512 of the User-Agent", async () => {
    const proxied = await createTestApp({ env: { TRUST_PROXY: "1" } });
    try {
      const user = await seedUser(proxied);
      // The longest an IPv6 address is written: 45 characters.
      const address = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
      await proxied
        .caller({ ip: "10.0.0.1", headers: { "user-agent": "U".repeat(600), "x-forwarded-for": address } })
        .session.create({ email: user.email, password: PASSWORD });
      const row = await proxied.db.session.findFirstOrThrow({ where: { userId: user.id } });
      expect(row.userAgent).toBe("U".repeat(512));
      expect(row.ip).toBe(address);
      const long = await seedUser(proxied);
      await proxied
        .caller({ ip: "f".repeat(70), headers: { "user-agent": "short" } })
        .session.create({ email: long.email, password: PASSWORD });
      expect((await proxied.db.session.findFirstOrThrow({ where: { userId: long.id } })).ip).toBe("f".repeat(64));
    } finally {
      await proxied.close();
    }
  });

  it("a log-in without a known client address or User-Agent stores neither", async () => {
    const user = await seedUser(app);
    const { session } = await logIn(
      app.services,
      { email: user.email, password: PASSWORD },
      { ip: null, userAgent: null, deviceCookie: null },
    );
    const row = await app.db.session.findUniqueOrThrow({ where: { tokenHash: hashToken(session!.token) } });
    expect(row).toMatchObject({ userId: user.id, ip: null, userAgent: null });
  });

  it("a session opened inside a transaction (an email confirmation) has a secret-form token unless told otherwise", async () => {
    const user = await seedUser(app);
    const meta = { ip: null, userAgent: null, deviceCookie: null };
    const session = await issueSession(app.db, 60, user.id, meta);
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await app.caller({ token: session.token }).session.validate()).toMatchObject({ userId: user.id });
    expect((await issueSession(app.db, 60, user.id, meta, "guid")).token).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a session in the guid form is a UUID v4, stored by its hash and validated like the other", async () => {
    const user = await seedUser(app);
    const { session } = await logIn(
      app.services,
      { email: user.email, password: PASSWORD },
      { ip: null, userAgent: null, deviceCookie: null },
      "guid",
    );
    expect(session!.token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await app.db.session.count({ where: { tokenHash: hashToken(session!.token) } })).toBe(1);
    expect(await app.caller({ token: session!.token }).session.validate()).toMatchObject({ userId: user.id });
  });

  it("an empty session cookie does not hide a valid Bearer header, over HTTP", async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    const res = await fetch(`${await app.httpUrl()}/api/trpc/session.validate`, {
      headers: { cookie: "session=", authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { data: { userId: string } } }).result.data.userId).toBe(user.id);
  });
});
