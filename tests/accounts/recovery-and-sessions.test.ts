// Password reset, own sessions, and the client address behind proxies.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { clientIp, PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { hashToken } from "@/server/auth/secret-token";
import { describeDevice } from "@/server/services/own-sessions";
import { RATE_LIMITS } from "@/shared/policy";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { ageSession, logInWithTotp, resetClock, userWithTotp } from "../support/second-factors";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());
afterEach(resetClock);

const NEW_PASSWORD = "a fresh and different passphrase";

async function requestReset(email: string, ip?: string) {
  await app.caller({ ip }).user.requestPasswordReset({ email });
  const mail = (await app.mailsTo(email)).filter((m) => m.kind === "reset-password").at(-1);
  return mail ? tokenFromLink(mail.text, "/reset-password") : null;
}

describe("password reset", () => {
  it("answers {ok: true} for any address and mails only existing ones", async () => {
    const ghost = freshEmail("ghost");
    expect(await app.caller().user.requestPasswordReset({ email: ghost })).toEqual({ ok: true });
    expect(await app.mailsTo(ghost)).toHaveLength(0);
    const user = await seedUser(app);
    expect(await app.caller().user.requestPasswordReset({ email: user.email })).toEqual({ ok: true });
    const [mail] = await app.mailsTo(user.email);
    expect(mail?.kind).toBe("reset-password");
    expect(mail?.text).toContain(`${app.config.APP_URL}/reset-password?token=`);
  });

  it("sets the new password, ends every session, tells the user, and the link works once", async () => {
    const user = await seedUser(app);
    const [s1, s2] = [await logInAs(app, user.email), await logInAs(app, user.email)];
    const token = (await requestReset(user.email))!;
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(await app.caller().user.resetPassword({ token, password: NEW_PASSWORD })).toEqual({ ok: true });
    for (const t of [s1, s2]) await expectAppError(app.caller({ token: t }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    const login = await app.db.login.findUniqueOrThrow({ where: { email: user.email } });
    expect(await verifyPassword(login.passwordHash, NEW_PASSWORD)).toBe(true);
    expect((await app.mailsTo(user.email)).at(-1)?.kind).toBe("password-changed");
    await expectAppError(app.caller().user.resetPassword({ token, password: "yet another passphrase" }), "BAD_REQUEST", "TOKEN_INVALID");
    await logInAs(app, user.email, NEW_PASSWORD);
  });

  it("a newer request leaves the older link working; setting a password with one voids the others", async () => {
    const user = await seedUser(app);
    const older = (await requestReset(user.email))!;
    const newer = (await requestReset(user.email))!;
    expect(newer).not.toBe(older);
    await app.caller().user.resetPassword({ token: older, password: NEW_PASSWORD });
    await expectAppError(
      app.caller().user.resetPassword({ token: newer, password: "yet another passphrase" }),
      "BAD_REQUEST",
      "TOKEN_INVALID",
    );
    await logInAs(app, user.email, NEW_PASSWORD);
  });

  it("a link mailed before the address changed is void, and the password stays", async () => {
    const user = await seedUser(app);
    const reset = (await requestReset(user.email))!;
    const token = await logInAs(app, user.email);
    const next = freshEmail("moved");
    await app.caller({ token }).user.update({ email: next, currentPassword: PASSWORD });
    await app.caller().user.verify({ token: tokenFromLink((await app.mailsTo(next)).at(-1)!.text, "/verify") });
    await expectAppError(app.caller().user.resetPassword({ token: reset, password: NEW_PASSWORD }), "BAD_REQUEST", "TOKEN_INVALID");
    await logInAs(app, next, PASSWORD);
  });

  it("an expired link is TOKEN_EXPIRED and changes nothing", async () => {
    const user = await seedUser(app);
    const token = (await requestReset(user.email))!;
    const row = await app.db.emailVerificationToken.findFirstOrThrow({ where: { userId: user.id, purpose: "reset-password" } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeCloseTo(3600_000, -4);
    await app.db.emailVerificationToken.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    const before = (await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).passwordHash;
    await expectAppError(app.caller().user.resetPassword({ token, password: NEW_PASSWORD }), "BAD_REQUEST", "TOKEN_EXPIRED");
    expect((await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).passwordHash).toBe(before);
  });

  it("applies the password rules", async () => {
    const user = await seedUser(app);
    const token = (await requestReset(user.email))!;
    await expectAppError(app.caller().user.resetPassword({ token, password: "short" }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(app.caller().user.resetPassword({ token, password: "qwerty123456" }), "BAD_REQUEST", "VALIDATION_FAILED");
    await app.caller().user.resetPassword({ token, password: NEW_PASSWORD });
  });

  it("confirms an unverified address", async () => {
    const user = await seedUser(app, { verified: false });
    const token = (await requestReset(user.email))!;
    await app.caller().user.resetPassword({ token, password: NEW_PASSWORD });
    await logInAs(app, user.email, NEW_PASSWORD);
  });

  it("a reset link is not a verification link, nor the reverse", async () => {
    const user = await seedUser(app, { verified: false });
    const token = (await requestReset(user.email))!;
    await expectAppError(app.caller().user.verify({ token }), "BAD_REQUEST", "TOKEN_INVALID");
    await app.caller().user.resendVerification({ email: user.email });
    const verifyToken = tokenFromLink((await app.mailsTo(user.email)).filter((m) => m.kind === "verify-email").at(-1)!.text, "/verify");
    await expectAppError(app.caller().user.resetPassword({ token: verifyToken, password: NEW_PASSWORD }), "BAD_REQUEST", "TOKEN_INVALID");
  });

  it("reset flood: past the address's limit a request answers {ok: true} and queues nothing; the owner's link keeps working", async () => {
    const [owner, other] = [await seedUser(app), await seedUser(app)];
    const ownerLink = (await requestReset(owner.email, "198.19.0.1"))!;
    const otherLink = (await requestReset(other.email, "198.19.0.2"))!;
    // Someone else asks for the owner's address from many clients, up to the limit…
    for (let i = 1; i < RATE_LIMITS.passwordResetPerEmail.points; i++) {
      expect(await app.caller({ ip: `198.19.1.${i}` }).user.requestPasswordReset({ email: owner.email })).toEqual({ ok: true });
    }
    const mailed = await app.mailsTo(owner.email);
    expect(mailed).toHaveLength(RATE_LIMITS.passwordResetPerEmail.points);
    // …and past it, from yet another client: the usual answer, nothing queued.
    const rows = await app.db.outboxEmail.count();
    expect(await app.caller({ ip: "198.19.2.1" }).user.requestPasswordReset({ email: owner.email })).toEqual({ ok: true });
    expect(await app.db.outboxEmail.count()).toBe(rows);
    expect(await app.mailsTo(owner.email)).toHaveLength(mailed.length);
    // The links mailed meanwhile did not void the owner's first one, nor another user's.
    await app.caller().user.resetPassword({ token: ownerLink, password: NEW_PASSWORD });
    await logInAs(app, owner.email, NEW_PASSWORD);
    await app.caller().user.resetPassword({ token: otherLink, password: NEW_PASSWORD });
    await logInAs(app, other.email, NEW_PASSWORD);
  });
});

describe("own sessions", () => {
  const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
  const iphone =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

  async function loginFrom(email: string, userAgent: string, ip: string) {
    const resHeaders = new Headers();
    await app.caller({ resHeaders, ip, headers: { "user-agent": userAgent } }).session.create({ email, password: PASSWORD });
    return decodeURIComponent(resHeaders.getSetCookie()[0]!.split(";")[0]!.split("=")[1]!);
  }

  it("lists the caller's sessions with a readable device and which one is current", async () => {
    const user = await seedUser(app);
    const desk = await loginFrom(user.email, firefox, "192.0.2.10");
    await loginFrom(user.email, iphone, "192.0.2.11");
    await seedUser(app).then((other) => logInAs(app, other.email));
    const list = await app.caller({ token: desk }).session.list();
    expect(list).toHaveLength(2);
    expect(list.find((s) => s.current)).toMatchObject({ device: "Firefox on Windows (desktop)", ip: "192.0.2.10", aal: "aal1" });
    expect(list.find((s) => !s.current)).toMatchObject({ device: "Safari on iOS (mobile)", ip: "192.0.2.11", aal: "aal1" });
    expect(describeDevice(null)).toBe("Unknown device");
    // A client no parser knows is shown by its own words (cut short); one with a known system only, by that.
    expect(describeDevice("???")).toBe("???");
    expect(describeDevice(`robot/${"9".repeat(80)}`)).toBe(`robot/${"9".repeat(54)}`);
    expect(describeDevice("school-sync/2.1 (+https://sync.school.example/bot)")).toBe("school-sync");
    expect(describeDevice("(iPhone; CPU iPhone OS 17_5 like Mac OS X)")).toBe("Unknown browser on iOS (mobile)");
  });

  it("revokes one of the caller's sessions; it fails on its very next request", async () => {
    const user = await seedUser(app);
    const a = await loginFrom(user.email, firefox, "192.0.2.20");
    const b = await loginFrom(user.email, iphone, "192.0.2.21");
    const other = (await app.caller({ token: a }).session.list()).find((s) => !s.current)!;
    expect(await app.caller({ token: a }).session.revoke({ id: other.id })).toEqual({ ok: true });
    await expectAppError(app.caller({ token: b }).user.get(), "UNAUTHORIZED", "SESSION_INVALID");
    const gone = await expectAppError(app.caller({ token: a }).session.revoke({ id: other.id }), "NOT_FOUND", "SESSION_NOT_FOUND");
    expect(gone.message).toBe("You have no session with this id.");
  });

  it("another user's session id is NOT_FOUND and stays valid", async () => {
    const [alice, bob] = [await seedUser(app), await seedUser(app)];
    const aliceToken = await logInAs(app, alice.email);
    const bobToken = await logInAs(app, bob.email);
    const bobSession = (await app.caller({ token: bobToken }).session.list())[0]!;
    await expectAppError(app.caller({ token: aliceToken }).session.revoke({ id: bobSession.id }), "NOT_FOUND", "SESSION_NOT_FOUND");
    expect(await app.caller({ token: bobToken }).session.validate()).toMatchObject({ userId: bob.id });
  });

  it("logs out other devices, keeping this one", async () => {
    const user = await seedUser(app);
    const here = await logInAs(app, user.email);
    const others = [await logInAs(app, user.email), await logInAs(app, user.email)];
    expect(await app.caller({ token: here }).session.revokeOthers()).toEqual({ revoked: 2 });
    for (const t of others) await expectAppError(app.caller({ token: t }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await app.caller({ token: here }).session.list()).toHaveLength(1);
  });

  // A stolen cookie must not lock the owner out: ending other sessions asks for
  // the proof a sensitive change asks for once the session's proof is stale.
  it("a session whose proof is stale logs out other devices only with the password or a code", async () => {
    const { user, authenticator, token: a } = await userWithTotp(app);
    const here = await logInWithTotp(app, user.email, authenticator);
    const b = await logInWithTotp(app, user.email, authenticator);
    const bystander = await seedUser(app);
    const bystanderToken = await logInAs(app, bystander.email);
    await ageSession(app, here, 11 * 60_000);
    const thief = app.caller({ token: here });
    const idOfA = (await app.caller({ token: a }).session.list()).find((s) => s.current)!.id;
    const untouched = async () => {
      for (const t of [a, b, here, bystanderToken]) await app.caller({ token: t }).session.validate();
    };
    expect((await thief.session.list()).map((s) => s.aal)).toEqual(["aal2", "aal2", "aal2"]);
    await expectAppError(thief.session.revokeOthers(), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await expectAppError(thief.session.revokeOthers({}), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await expectAppError(thief.session.revoke({ id: idOfA }), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await expectAppError(thief.session.revokeOthers({ password: "not the password at all" }), "FORBIDDEN", "WRONG_PASSWORD");
    await expectAppError(thief.session.revoke({ id: idOfA, password: "not the password at all" }), "FORBIDDEN", "WRONG_PASSWORD");
    await untouched();
    expect(await app.caller({ token: here }).session.list()).toHaveLength(3);

    // The owner proves it: one session by a code, the rest by the password.
    expect(await thief.session.revoke({ id: idOfA, code: authenticator.next() })).toEqual({ ok: true });
    await expectAppError(app.caller({ token: a }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    await ageSession(app, here, 11 * 60_000);
    expect(await thief.session.revokeOthers({ password: PASSWORD })).toEqual({ revoked: 1 });
    await expectAppError(app.caller({ token: b }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await app.caller({ token: bystanderToken }).session.validate()).toMatchObject({ userId: bystander.id });
  });

  // A stolen session without the password may guess app codes as proof: its
  // guesses draw on a budget of its own, never on the account's, or it could
  // lock the owner out of the log-in's second step (and guess the account's way).
  it("wrong codes given as proof spend the session's own budget, not the owner's log-in budget", async () => {
    const { user, authenticator, token: owner } = await userWithTotp(app);
    const thief = await logInWithTotp(app, user.email, authenticator);
    const bystander = await userWithTotp(app);
    await ageSession(app, thief, 11 * 60_000);
    const wrong = authenticator.wrong();
    const { points } = RATE_LIMITS.secondFactorFailuresPerSession;
    for (let i = 0; i < points; i++) {
      await expectAppError(app.caller({ token: thief }).session.revokeOthers({ code: wrong }), "FORBIDDEN", "SECOND_FACTOR_INVALID");
    }
    await expectAppError(
      app.caller({ token: thief }).session.revokeOthers({ code: authenticator.next() }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    await expectAppError(app.caller({ token: thief }).session.revokeOthers({ code: wrong }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    // Nobody was logged out, and the owner still logs in with two steps.
    await app.caller({ token: owner }).session.validate();
    expect(await logInWithTotp(app, user.email, authenticator)).toBeTruthy();
    expect(await logInWithTotp(app, bystander.user.email, bystander.authenticator)).toBeTruthy();
    // The owner's own sessions keep their budgets too.
    await ageSession(app, owner, 11 * 60_000);
    expect(await app.caller({ token: owner }).session.revokeOthers({ code: authenticator.next() })).toEqual({ revoked: 2 });
  });

  // Nor its wrong passwords: they draw on the session's own budget, never on the
  // account's log-in budgets (which would keep the owner out of new browsers for a day).
  it("wrong passwords given as proof spend the session's own budget, not the account's log-in budgets", async () => {
    const user = await seedUser(app);
    const owner = await logInAs(app, user.email);
    const thief = await logInAs(app, user.email);
    await ageSession(app, thief, 11 * 60_000);
    const { points } = RATE_LIMITS.passwordFailuresPerSession;
    const wrongOnce = [
      () => app.caller({ token: thief, ip: "203.0.113.77" }).session.revokeOthers({ password: "not the password at all" }),
      () => app.caller({ token: thief, ip: "203.0.113.77" }).user.delete({ password: "not the password at all" }),
      () => app.caller({ token: thief, ip: "203.0.113.77" }).user.startTotp({ password: "not the password at all" }),
    ];
    for (let i = 0; i < points; i++) await expectAppError(wrongOnce[i % wrongOnce.length]!(), "FORBIDDEN", "WRONG_PASSWORD");
    await expectAppError(
      app.caller({ token: thief, ip: "203.0.113.77" }).session.revokeOthers({ password: PASSWORD }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    // No log-in budget was touched: the owner's sessions stand, and a new browser anywhere logs in.
    const loginCounters = await app.db.rateLimit.findMany({ where: { key: { startsWith: "loginFailures", contains: user.email } } });
    expect(loginCounters.every((r) => r.points === 0)).toBe(true);
    await app.caller({ token: owner }).session.validate();
    expect(await app.caller({ ip: "203.0.113.77" }).session.create({ email: user.email, password: PASSWORD })).toMatchObject({
      userId: user.id,
    });
  });

  it("a session proved within 10 minutes needs no proof; logging this session out never does", async () => {
    const user = await seedUser(app);
    const here = await logInAs(app, user.email);
    const other = await logInAs(app, user.email);
    await ageSession(app, here, 9 * 60_000);
    expect(await app.caller({ token: here }).session.revokeOthers()).toEqual({ revoked: 1 });
    await expectAppError(app.caller({ token: other }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");

    const stale = await logInAs(app, user.email);
    await app.db.session.updateMany({ where: { tokenHash: hashToken(stale) }, data: { authenticatedAt: null } });
    const own = (await app.caller({ token: stale }).session.list()).find((s) => s.current)!;
    expect(await app.caller({ token: stale }).session.revoke({ id: own.id })).toEqual({ ok: true });
    await expectAppError(app.caller({ token: stale }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await app.caller({ token: here }).session.validate()).toMatchObject({ userId: user.id });
  });

  it("needs a session", async () => {
    await expectAppError(app.caller().session.list(), "UNAUTHORIZED", "SESSION_INVALID");
    await expectAppError(app.caller().session.revokeOthers(), "UNAUTHORIZED", "SESSION_INVALID");
  });
});

describe("client address and TRUST_PROXY", () => {
  const headers = (xff: string | null, peer = "10.0.0.5") => {
    const h = new Headers({ [PEER_ADDRESS_HEADER]: peer });
    if (xff !== null) h.set("x-forwarded-for", xff);
    return h;
  };

  it("without TRUST_PROXY a forwarded header is ignored", () => {
    expect(clientIp(headers("203.0.113.9"), 0)).toBe("10.0.0.5");
  });

  it("with one trusted proxy the client is the entry that proxy added; spoofed entries further left are ignored", () => {
    expect(clientIp(headers("203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientIp(headers("6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientIp(headers("6.6.6.6, 203.0.113.9, 198.51.100.2"), 2)).toBe("203.0.113.9");
    expect(clientIp(headers(null), 1)).toBe("10.0.0.5");
    expect(clientIp(headers("not an address"), 1)).toBe("10.0.0.5");
  });

  it("rate limits follow the real client: spoofing cannot dodge the limit (no TRUST_PROXY)", async () => {
    const email = freshEmail("spoof");
    for (let i = 0; i < RATE_LIMITS.resendVerificationPerIp.points; i++) {
      await app.caller({ ip: "192.0.2.200", headers: { "x-forwarded-for": `203.0.113.${i}` } }).user.resendVerification({
        email: `${i}-${email}`,
      });
    }
    await expectAppError(
      app.caller({ ip: "192.0.2.200", headers: { "x-forwarded-for": "203.0.113.250" } }).user.resendVerification({ email }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
  });

  it("behind a trusted proxy, clients are told apart and sessions record their address", async () => {
    const proxied = await createTestApp({ env: { TRUST_PROXY: "1" } });
    try {
      const user = await seedUser(proxied);
      const resHeaders = new Headers();
      await proxied
        .caller({ ip: "10.0.0.1", resHeaders, headers: { "x-forwarded-for": "6.6.6.6, 203.0.113.77" } })
        .session.create({ email: user.email, password: PASSWORD });
      const row = await proxied.db.session.findFirstOrThrow({ where: { userId: user.id } });
      expect(row.ip).toBe("203.0.113.77");
      // All requests arrive from the proxy's address, yet one client's limit does not block another.
      for (let i = 0; i < RATE_LIMITS.resendVerificationPerIp.points; i++) {
        await proxied.caller({ ip: "10.0.0.1", headers: { "x-forwarded-for": "203.0.113.1" } }).user.resendVerification({
          email: `${i}-${freshEmail("p")}`,
        });
      }
      await expectAppError(
        proxied
          .caller({ ip: "10.0.0.1", headers: { "x-forwarded-for": "203.0.113.1" } })
          .user.resendVerification({ email: freshEmail("p") }),
        "TOO_MANY_REQUESTS",
        "RATE_LIMITED",
      );
      expect(
        await proxied
          .caller({ ip: "10.0.0.1", headers: { "x-forwarded-for": "203.0.113.2" } })
          .user.resendVerification({ email: freshEmail("p") }),
      ).toEqual({ ok: true });
    } finally {
      await proxied.close();
    }
  });
});
