// The tRPC API over real HTTP with plain fetch, as any client would call it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RATE_LIMITS } from "@/shared/policy";
import { freshEmail, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await createTestApp();
  base = await app.httpUrl();
});
afterAll(() => app.close());

async function mutation(path: string, input: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(input),
  });
  return { res, body: (await res.json()) as any };
}

async function query(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/trpc/${path}`, { headers });
  return { res, body: (await res.json()) as any };
}

describe("plain JSON over HTTP", () => {
  it("logs in with plain JSON: dates are ISO strings, the cookie is set", async () => {
    const user = await seedUser(app);
    const { res, body } = await mutation("session.create", { email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(body.result.data.userId).toBe(user.id);
    expect(body.result.data.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^session=.+; Path=\/; Expires=.+; HttpOnly; SameSite=Lax$/);
    const token = cookie.split(";")[0]!.slice("session=".length);
    const validated = await query("session.validate", { cookie: `session=${token}` });
    expect(validated.body.result.data.userId).toBe(user.id);
    const bearer = await query("session.validate", { authorization: `Bearer ${token}` });
    expect(bearer.body.result.data.userId).toBe(user.id);
  });

  it("errors carry the tRPC code, the HTTP status and our appCode, never a stack", async () => {
    const { res, body } = await mutation("session.create", { email: "nobody@school.example", password: "wrong password" });
    expect(res.status).toBe(401);
    expect(body.error.data).toMatchObject({ code: "UNAUTHORIZED", appCode: "INVALID_CREDENTIALS", httpStatus: 401 });
    expect(body.error.data.stack).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it("bad input is 400 VALIDATION_FAILED naming the fields", async () => {
    const { res, body } = await mutation("user.register", { email: "x", password: "short", name: "" });
    expect(res.status).toBe(400);
    expect(body.error.data.appCode).toBe("VALIDATION_FAILED");
    expect(Object.keys(body.error.data.fieldErrors).sort()).toEqual(["email", "name", "password"]);
    expect(body.error.message).toContain("email:");
  });

  it("malformed JSON, unknown procedures and wrong methods are 4xx with an appCode, never 500", async () => {
    const malformed = await fetch(`${base}/api/trpc/session.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.data.appCode).toBe("VALIDATION_FAILED");
    const unknown = await query("nope.nothing");
    expect(unknown.res.status).toBe(404);
    expect(unknown.body.error.data.appCode).toBe("NOT_FOUND");
    const wrongMethod = await query("session.create");
    expect(wrongMethod.res.status).toBe(405);
    expect(wrongMethod.body.error.data.appCode).toBe("METHOD_NOT_SUPPORTED");
  });

  it("a mutation whose Origin names another site is refused and changes nothing", async () => {
    const email = freshEmail("csrf");
    const { res, body } = await mutation("user.register", { email, password: PASSWORD, name: "X" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(body.error.data.appCode).toBe("CROSS_SITE_REQUEST");
    expect(await app.db.login.count({ where: { email } })).toBe(0);
    const sameSite = await mutation("user.register", { email, password: PASSWORD, name: "X" }, { origin: app.config.APP_URL });
    expect(sameSite.res.status).toBe(200);
    const noOrigin = await mutation("user.resendVerification", { email });
    expect(noOrigin.res.status).toBe(200);
  });

  it("a mutation marked Sec-Fetch-Site: cross-site is refused even without Origin", async () => {
    const email = freshEmail("fetchsite");
    const { res, body } = await mutation("user.register", { email, password: PASSWORD, name: "X" }, { "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
    expect(body.error.data.appCode).toBe("CROSS_SITE_REQUEST");
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });

  it("a stale session cookie is cleared when it is refused", async () => {
    const { res, body } = await query("session.validate", { cookie: `session=${"z".repeat(43)}` });
    expect(body.error.data.appCode).toBe("SESSION_INVALID");
    expect(res.headers.getSetCookie()[0]).toMatch(/^session=; .*Expires=Thu, 01 Jan 1970/);
  });

  it("RATE_LIMITED answers 429 with Retry-After", async () => {
    // The per-client limit (past the per-address one the answer stays 200);
    // an earlier test spent one request of this client's budget.
    let answer = await mutation("user.resendVerification", { email: freshEmail("limit") });
    for (let i = 0; i < RATE_LIMITS.resendVerificationPerIp.points && answer.res.status === 200; i++) {
      answer = await mutation("user.resendVerification", { email: freshEmail("limit") });
    }
    const { res, body } = answer;
    expect(res.status).toBe(429);
    expect(body.error.data.appCode).toBe("RATE_LIMITED");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(3500);
    expect(body.error.data.retryAfterSeconds).toBe(Number(res.headers.get("retry-after")));
  });
});

describe("registration limits", () => {
  it(`user.register: ${RATE_LIMITS.registerPerEmail.points} per email per hour`, async () => {
    const email = freshEmail("reg");
    for (let i = 0; i < RATE_LIMITS.registerPerEmail.points; i++) {
      await app.caller({ ip: `198.18.0.${i + 1}` }).user.register({ email, password: PASSWORD, name: "R" });
    }
    const limited = await expectAppError(
      app.caller({ ip: "198.18.0.99" }).user.register({ email, password: PASSWORD, name: "R" }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(59 * 60);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(60 * 60);
  });

  // A registration refused anyway (a common password, a bad teacher token)
  // must not spend the address's budget: five such requests an hour from five
  // addresses would keep anyone from registering it.
  it("a registration refused for its password or teacher token spends the client's budget, not the address's", async () => {
    const email = freshEmail("blocked");
    for (let i = 0; i < RATE_LIMITS.registerPerEmail.points; i++) {
      await expectAppError(
        app.caller({ ip: `198.18.2.${i + 1}` }).user.register({ email, password: "qwerty123456", name: "R" }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
      );
      await expectAppError(
        app
          .caller({ ip: `198.18.2.${i + 1}` })
          .user.register({ email, password: PASSWORD, name: "R", teacherToken: "not-a-token-at-all-0000" }),
        "BAD_REQUEST",
        "TEACHER_TOKEN_INVALID",
      );
    }
    expect(await app.caller({ ip: "198.18.2.99" }).user.register({ email, password: PASSWORD, name: "R" })).toEqual({ verified: false });
    expect(await app.db.login.count({ where: { email } })).toBe(1);
    // The client's own budget was spent by its refused requests.
    const ip = "198.18.3.1";
    for (let i = 0; i < RATE_LIMITS.registerPerIp.points; i++) {
      await expectAppError(
        app.caller({ ip }).user.register({ email: freshEmail("weak"), password: "qwerty123456", name: "R" }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
      );
    }
    await expectAppError(
      app.caller({ ip }).user.register({ email: freshEmail("ok"), password: PASSWORD, name: "R" }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
  });

  it(`user.register: ${RATE_LIMITS.registerPerIp.points} per client address per hour; the refused one creates nothing`, async () => {
    const ip = "198.18.1.1";
    for (let i = 0; i < RATE_LIMITS.registerPerIp.points; i++) {
      await app.caller({ ip }).user.register({ email: freshEmail("ip"), password: PASSWORD, name: "R" });
    }
    const email = freshEmail("ip");
    const limited = await expectAppError(
      app.caller({ ip }).user.register({ email, password: PASSWORD, name: "R" }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(59 * 60);
    expect(limited.details.retryAfterSeconds).toBeLessThanOrEqual(60 * 60);
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });

  it(`user.resendVerification: ${RATE_LIMITS.resendVerificationPerIp.points} per client address per hour`, async () => {
    const ip = "198.18.2.1";
    for (let i = 0; i < RATE_LIMITS.resendVerificationPerIp.points; i++) {
      await app.caller({ ip }).user.resendVerification({ email: freshEmail("rs") });
    }
    await expect(app.caller({ ip }).user.resendVerification({ email: freshEmail("rs") })).rejects.toMatchObject({
      appCode: "RATE_LIMITED",
    });
  });
});

describe("https deployments", () => {
  let secure: TestApp;
  beforeAll(async () => {
    secure = await createTestApp({ env: { APP_URL: "https://accounts.school.example" } });
  });
  afterAll(() => secure.close());

  it("use a Secure cookie with the __Host- prefix", async () => {
    const user = await seedUser(secure);
    const resHeaders = new Headers();
    await secure.caller({ resHeaders }).session.create({ email: user.email, password: PASSWORD });
    const cookie = resHeaders.getSetCookie()[0]!;
    expect(cookie).toMatch(/^__Host-session=/);
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Domain");
    const token = cookie.split(";")[0]!.split("=")[1]!;
    expect(await secure.caller({ headers: { cookie: `__Host-session=${token}` } }).session.validate()).toMatchObject({
      userId: user.id,
    });
  });

  it("a mutation from an http:// page (or another port) is cross-site, even from our host name", async () => {
    const email = freshEmail("scheme");
    for (const origin of ["http://accounts.school.example", "https://accounts.school.example:8443"]) {
      const call = secure
        .caller({ headers: { origin, host: "accounts.school.example" } })
        .user.register({ email, password: PASSWORD, name: "X" });
      await expectAppError(call, "FORBIDDEN", "CROSS_SITE_REQUEST");
    }
    expect(await secure.db.login.count({ where: { email } })).toBe(0);
    expect(await secure.db.outboxEmail.count({ where: { to: email } })).toBe(0);
    const sameSite = secure.caller({ headers: { origin: "https://accounts.school.example", host: "accounts.school.example" } });
    await sameSite.user.register({ email, password: PASSWORD, name: "X" });
    expect(await secure.db.login.count({ where: { email } })).toBe(1);
  });

  it("over HTTP, an http:// Origin naming the very host the request went to is refused on both APIs", async () => {
    const base = await secure.httpUrl(); // http://127.0.0.1:<port>, while APP_URL is https://
    const email = freshEmail("scheme-http");
    const post = (path: string, body: unknown) =>
      fetch(base + path, { method: "POST", headers: { "content-type": "application/json", origin: base }, body: JSON.stringify(body) });
    const trpc = await post("/api/trpc/user.register", { email, password: PASSWORD, name: "X" });
    expect(trpc.status).toBe(403);
    expect(((await trpc.json()) as any).error.data.appCode).toBe("CROSS_SITE_REQUEST");
    const seed = await post("/user/register", { email, password: PASSWORD, name: "X", teacher_token: null });
    expect(seed.status).toBe(403);
    expect(((await seed.json()) as any).error).toBe("CROSS_SITE_REQUEST");
    expect(await secure.db.login.count({ where: { email } })).toBe(0);
  });
});

describe("text the database cannot store", () => {
  it("a NUL byte in any string is VALIDATION_FAILED on both databases, never a 500", async () => {
    const user = await seedUser(app);
    const login = await mutation("session.create", { email: user.email, password: PASSWORD });
    const cookie = login.res.headers.getSetCookie()[0]!.split(";")[0]!;
    for (const [path, input] of [
      ["session.revoke", { id: "abc\u0000def" }],
      ["user.update", { name: "Nul\u0000Name" }],
      ["user.resendVerification", { email: "a\u0000b@school.example" }],
    ] as const) {
      const { res, body } = await mutation(path, input, { cookie });
      expect(res.status, path).toBe(400);
      expect(body.error.data.appCode, path).toBe("VALIDATION_FAILED");
    }
    expect((await app.db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe(user.name);
  });
});
