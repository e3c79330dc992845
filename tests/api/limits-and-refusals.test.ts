// Limits and refusals that no other file pins down: shared failure budgets,
// per-client limits, missing users, body sizes and input bounds.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddressKey } from "@/server/auth/client-address-key";
import { RATE_LIMITS } from "@/shared/policy";
import { cookieValue, freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { type Cast, seedCast, snapshot } from "../support/roles";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let cast: Cast;
beforeAll(async () => {
  app = await createTestApp();
  cast = await seedCast(app);
});
afterAll(() => app.close());

describe("a session's own failure budget", () => {
  it(`wrong current passwords on user.update and user.delete: ${RATE_LIMITS.passwordFailuresPerSession.points} a day per session, never the log-in's budgets`, async () => {
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    const me = () => app.caller({ token, ip: "203.0.113.9" }).user;
    for (let i = 0; i < RATE_LIMITS.passwordFailuresPerSession.points; i++) {
      const call =
        i % 2
          ? me().delete({ password: "not my password at all" })
          : me().update({ password: { current: "not my password at all", next: "a brand new passphrase" } });
      await expectAppError(call, "FORBIDDEN", "WRONG_PASSWORD");
    }
    await expectAppError(me().delete({ password: PASSWORD }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    expect(await app.db.user.count({ where: { id: user.id } })).toBe(1);
    // The same client still logs in (its log-in budgets are untouched), and that new session has its own budget.
    const resHeaders = new Headers();
    await app.caller({ ip: "203.0.113.9", resHeaders }).session.create({ email: user.email, password: PASSWORD });
    const fresh = cookieValue(resHeaders, "session")!;
    await expectAppError(
      app.caller({ token: fresh, ip: "203.0.113.9" }).user.delete({ password: "not my password at all" }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
  });
});

describe("per-client limits", () => {
  it(`password-reset requests: ${RATE_LIMITS.passwordResetPerIp.points} per client address per hour, for any addresses`, async () => {
    const ip = "198.18.7.7";
    for (let i = 0; i < RATE_LIMITS.passwordResetPerIp.points; i++) {
      await app.caller({ ip }).user.requestPasswordReset({ email: freshEmail("reset-spray") });
    }
    const limited = await expectAppError(
      app.caller({ ip }).user.requestPasswordReset({ email: freshEmail("reset-spray") }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(59 * 60);
    // Another client is not affected.
    await app.caller({ ip: "198.18.7.8" }).user.requestPasswordReset({ email: freshEmail("reset-other") });
  });
});

describe("an IPv6 client counts by its /64", () => {
  it("the per-client limit holds across the addresses of one /64; the next /64 and IPv4 clients are apart", async () => {
    // One home network or host: a new privacy address for every request.
    for (let i = 0; i < RATE_LIMITS.passwordResetPerIp.points; i++) {
      await app.caller({ ip: `2001:db8:aa:1:${(i + 1).toString(16)}::${i}` }).user.requestPasswordReset({ email: freshEmail("v6-spray") });
    }
    await expectAppError(
      app.caller({ ip: "2001:0db8:00aa:0001:ffff:ffff:ffff:ffff" }).user.requestPasswordReset({ email: freshEmail("v6-spray") }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    await app.caller({ ip: "2001:db8:aa:2::1" }).user.requestPasswordReset({ email: freshEmail("v6-next") });
    await app.caller({ ip: "198.18.7.9" }).user.requestPasswordReset({ email: freshEmail("v4") });
  });

  it("the key: IPv6 by its /64 whatever its spelling; IPv4 and IPv4-mapped IPv6 by the address", () => {
    expect(clientAddressKey("2001:db8:aa:1:2:3:4:5")).toBe("2001:db8:aa:1::/64");
    expect(clientAddressKey("2001:0DB8:00aa:0001::9%eth0")).toBe("2001:db8:aa:1::/64");
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
    expect(clientAddressKey("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
    expect(clientAddressKey("::ffff:198.18.0.1")).toBe("198.18.0.1");
    expect(clientAddressKey("198.18.0.1")).toBe("198.18.0.1");
    expect(clientAddressKey(null)).toBe("unknown");
  });
});

describe("refusals that change nothing", () => {
  it("admin.deleteUser and admin.revokeSessions of an unknown id: USER_NOT_FOUND", async () => {
    const before = await snapshot(app);
    const admin = cast.as("admin").admin;
    const ghost = "00000000-0000-4000-8000-000000000000";
    await expectAppError(admin.deleteUser({ userId: ghost }), "NOT_FOUND", "USER_NOT_FOUND");
    await expectAppError(admin.revokeSessions({ userId: ghost }), "NOT_FOUND", "USER_NOT_FOUND");
    expect(await snapshot(app)).toEqual(before);
  });

  it("admin.deleteUser on oneself: SELF_DELETE pointing to the account page, even with another admin left", async () => {
    const before = await snapshot(app);
    const self = cast.users.admin;
    const refused = await expectAppError(cast.as("admin").admin.deleteUser({ userId: ` ${self.id} ` }), "FORBIDDEN", "SELF_DELETE");
    expect(refused.message).toContain("“Delete account” on your account page");
    expect(await snapshot(app)).toEqual(before);
    expect(await app.db.user.findUnique({ where: { id: self.id }, select: { admin: true } })).toEqual({ admin: true });
    expect(await cast.as("admin").session.validate()).toMatchObject({ userId: self.id });
  });

  it("admin.setFlags naming no flag is still refused to callers who may change none", async () => {
    const before = await snapshot(app);
    for (const kind of ["student", "privilegedStudent"] as const) {
      await expectAppError(cast.as(kind).admin.setFlags({ userId: cast.users.target.id }), "FORBIDDEN", "NOT_PERMITTED");
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it("input over its bounds is VALIDATION_FAILED", async () => {
    const long = (n: number) => "a".repeat(n);
    const admin = cast.as("admin");
    await expectAppError(
      app.caller().session.create({ email: `${long(250)}@x.example`, password: PASSWORD }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    await expectAppError(
      app.caller().session.create({ email: cast.users.student.email, password: long(513) }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    await expectAppError(app.caller().user.verify({ token: long(201) }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin.admin.listUsers({ query: long(255) }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin.admin.auditLog({ limit: 101 }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin.admin.createTeacherToken({ note: long(201) }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin.admin.createTeacherToken({ expiresInDays: 0 }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin.user.info({ userId: long(65) }), "BAD_REQUEST", "VALIDATION_FAILED");
  });
});

describe("body sizes", () => {
  it("a body over 64 KiB answers 413 PAYLOAD_TOO_LARGE on every API, in its envelope (tests/api/http-edge.test.ts: in bytes)", async () => {
    const base = await app.httpUrl();
    const post = (path: string, bytes: number) =>
      fetch(base + path, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base },
        body: JSON.stringify({ email: "a@b.example", password: "x".repeat(bytes) }),
      });
    const seed = await post("/user/login", 65 * 1024);
    expect(seed.status).toBe(413);
    expect(await seed.json()).toEqual({ error: "PAYLOAD_TOO_LARGE", session: null });
    const trpc = await post("/api/trpc/session.create", 65 * 1024);
    expect(trpc.status).toBe(413);
    expect(((await trpc.json()) as any).error.data).toMatchObject({ appCode: "PAYLOAD_TOO_LARGE", httpStatus: 413 });
  });
});

describe("the rate limits fail closed", () => {
  it("when their store fails, nothing they guard goes ahead: no password checked, no account, no mail, no session", async () => {
    const broken = await createTestApp();
    try {
      const user = await seedUser(broken);
      const before = await snapshot(broken);
      // The limits' table is gone: every count fails, as when the store is unreachable.
      await broken.db.$executeRawUnsafe(`DROP TABLE "RateLimit"`);
      const refused = async (call: Promise<unknown>) => {
        const outcome = await call.then(
          () => "went ahead",
          (error: { code?: string }) => error.code,
        );
        expect(outcome).not.toBe("went ahead");
        expect(outcome).not.toBe("TOO_MANY_REQUESTS");
      };
      await refused(broken.caller().session.create({ email: user.email, password: PASSWORD }));
      await refused(broken.caller().user.register({ email: freshEmail("new"), password: PASSWORD, name: "New Person" }));
      await refused(broken.caller().user.requestPasswordReset({ email: user.email }));
      await refused(broken.caller().user.resendVerification({ email: user.email }));
      expect(await snapshot(broken)).toEqual(before);
    } finally {
      await broken.close();
    }
  });
});
