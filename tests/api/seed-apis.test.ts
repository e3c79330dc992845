// The seeds' plain HTTP APIs, called with fetch as existing clients do.

import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { LEGACY_USER_API_BASE, legacyUserApiRoutes } from "@/server/http/legacy-user-api";
import { USER_API_BASE, userApiRoutes } from "@/server/http/rest-user-api";
import { createTeacherToken } from "@/server/services/teacher-tokens";
import { freshEmail, PASSWORD, seedUser } from "../support/accounts";
import { snapshot } from "../support/roles";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await createTestApp();
  base = await app.httpUrl();
});
afterAll(() => app.close());

/** A UUID version 4 (RFC 9562), as a client typing the session `Guid` parses it. */
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { res, status: res.status, body: JSON.parse(text) as any };
}

describe("every route that declares a session checks it", () => {
  // A valid body apart from the session, per route; a route added without an
  // entry here fails the coverage check below.
  const bodies: Record<string, unknown> = {
    "GET /session/validate": undefined,
    "DELETE /session/delete": undefined,
    "GET ": undefined,
    "PATCH /update": { name: "Nobody" },
    "DELETE /delete": { password: PASSWORD },
    "GET /permissions": undefined,
    "POST /info": { session: "x".repeat(43) },
    "PUT /update": { session: "x".repeat(43), teacher: true },
  };
  const authed = [
    ...userApiRoutes.filter((r) => r.auth !== "none").map((r) => ({ base: USER_API_BASE, route: r })),
    ...legacyUserApiRoutes.filter((r) => r.auth !== "none").map((r) => ({ base: LEGACY_USER_API_BASE, route: r })),
  ];

  it("names a body for each of them", () => {
    expect(authed.map(({ route: r }) => `${r.method} ${r.path}`).sort()).toEqual(Object.keys(bodies).sort());
  });

  it.each(authed.map(({ base, route: r }) => [`${r.method} ${base}${r.path}`, base, r] as const))(
    "%s without a valid session answers SESSION_INVALID and changes nothing",
    async (_name, prefix, r) => {
      const before = await snapshot(app);
      const fromHeader = r.auth === "cookie-or-bearer" || r.auth === "presented-token";
      const headers: Record<string, string> = fromHeader ? { authorization: `Bearer ${"x".repeat(43)}` } : {};
      const { status, body } = await call(r.method, `${prefix}${r.path}`, bodies[`${r.method} ${r.path}`], headers);
      if (prefix === USER_API_BASE) expect({ status, code: body.error?.code }).toEqual({ status: 401, code: "SESSION_INVALID" });
      else expect(body.error).toBe("SESSION_INVALID");
      expect(await snapshot(app)).toEqual(before);
    },
  );
});

describe("seed 000: /api/user", () => {
  it("register → verify by mail → log in with a cookie → read, update, permissions → log out", async () => {
    const email = freshEmail("s0");
    const registered = await call("POST", "/api/user/register", { email, password: PASSWORD, name: "Zero" });
    expect(registered).toMatchObject({ status: 200, body: { status: "success", data: { verified: false } } });
    await app.caller().user.verify({ token: tokenFromLink((await app.mailsTo(email))[0]!.text, "/verify") });

    const login = await call("POST", "/api/user/session/create", { email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ status: "success", data: { userId: expect.any(String), expiresAt: expect.any(String) } });
    const cookie = login.res.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(cookie).toMatch(/^session=/);
    const asUser = { cookie };

    expect((await call("GET", "/api/user/session/validate", undefined, asUser)).body.data.userId).toBe(login.body.data.userId);
    const me = await call("GET", "/api/user", undefined, asUser);
    expect(me.body).toMatchObject({ status: "success", data: { email, name: "Zero", emailVerified: true } });
    expect(JSON.stringify(me.body)).not.toContain("argon2");
    const updated = await call("PATCH", "/api/user/update", { name: "Zero Renamed", unknownField: 1 }, asUser);
    expect(updated.body).toMatchObject({ status: "success", data: { name: "Zero Renamed" } });
    const permissions = await call("GET", "/api/user/permissions", undefined, asUser);
    expect(permissions.body.data.can.viewUsers).toBe(false);

    const token = cookie.split("=")[1]!;
    expect((await call("GET", "/api/user/session/validate", undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    const logout = await call("DELETE", "/api/user/session/delete", undefined, asUser);
    expect(logout.body).toEqual({ status: "success", data: { ok: true } });
    expect(logout.res.headers.getSetCookie()[0]).toMatch(/^session=;/);
    const after = await call("GET", "/api/user/session/validate", undefined, asUser);
    expect(after).toMatchObject({ status: 401, body: { status: "error", error: { code: "SESSION_INVALID" } } });
    expect((await call("DELETE", "/api/user/session/delete", undefined, asUser)).body.error.code).toBe("SESSION_INVALID");
  });

  it("an expired session: reading answers SESSION_INVALID and clears the cookie; logging out still revokes it", async () => {
    const user = await seedUser(app);
    const expire = async (cookie: string) => {
      const tokenHash = hashToken(cookie.split("=")[1]!);
      await app.db.session.update({ where: { tokenHash }, data: { expiresAt: new Date(Date.now() - 1000) } });
      return tokenHash;
    };
    const logIn = async () =>
      (await call("POST", "/api/user/session/create", { email: user.email, password: PASSWORD })).res.headers
        .getSetCookie()[0]!
        .split(";")[0]!;

    const stale = await logIn();
    const staleHash = await expire(stale);
    const read = await call("GET", "/api/user", undefined, { cookie: stale });
    expect(read).toMatchObject({ status: 401, body: { error: { code: "SESSION_INVALID" } } });
    expect(read.res.headers.getSetCookie()[0]).toMatch(/^session=;/);
    expect(await app.db.session.count({ where: { tokenHash: staleHash } })).toBe(0);

    const leaving = await logIn();
    const leavingHash = await expire(leaving);
    const logout = await call("DELETE", "/api/user/session/delete", undefined, { cookie: leaving });
    expect(logout.body).toEqual({ status: "success", data: { ok: true } });
    expect(logout.res.headers.getSetCookie()[0]).toMatch(/^session=;/);
    expect(await app.db.session.count({ where: { tokenHash: leavingHash } })).toBe(0);
  });

  it("deletes the account with its password", async () => {
    const user = await seedUser(app);
    const login = await call("POST", "/api/user/session/create", { email: user.email, password: PASSWORD });
    const cookie = login.res.headers.getSetCookie()[0]!.split(";")[0]!;
    const wrong = await call("DELETE", "/api/user/delete", { password: "not the password" }, { cookie });
    expect(wrong).toMatchObject({ status: 403, body: { status: "error", error: { code: "WRONG_PASSWORD" } } });
    const ok = await call("DELETE", "/api/user/delete", { password: PASSWORD }, { cookie });
    expect(ok.body).toEqual({ status: "success", data: { ok: true } });
    expect(await app.db.user.count({ where: { id: user.id } })).toBe(0);
  });
});

describe("seed 002: /user", () => {
  it("register → verify → info → update, with the seed's field names", async () => {
    const email = freshEmail("s2");
    expect(await call("POST", "/user/register", { email, password: PASSWORD, name: "Two", teacher_token: null })).toMatchObject({
      status: 200,
      body: { error: null },
    });
    const token = tokenFromLink((await app.mailsTo(email))[0]!.text, "/verify");
    const verified = await call("PATCH", "/user/verify", { token });
    expect(verified.body).toEqual({ error: null, session: expect.stringMatching(GUID_V4) });
    const again = await call("PATCH", "/user/verify", { token });
    expect(again).toMatchObject({ status: 400, body: { error: "TOKEN_INVALID", session: null } });

    const login = await call("POST", "/user/login", { email, password: PASSWORD });
    expect(login.body.error).toBeNull();
    const info = await call("POST", "/user/info", { session: login.body.session, user: null });
    expect(info.body).toEqual({ error: null, teacher: false, admin: false, privileged_student: false, report_spammer: 0 });

    const self = await call("PUT", "/user/update", {
      session: login.body.session,
      user: null,
      teacher: null,
      admin: null,
      privileged_student: null,
      report_spammer: true,
    });
    expect(self).toMatchObject({ status: 403, body: { error: "SELF_REPORT_SPAMMER" } });
  });

  it("a teacher token registers a verified teacher who can flag students; report_spammer is a number only they see", async () => {
    const { token } = await createTeacherToken(app.db, {});
    const teacherEmail = freshEmail("t2");
    await call("POST", "/user/register", { email: teacherEmail, password: PASSWORD, name: "Teach", teacher_token: token });
    const teacher = (await call("POST", "/user/login", { email: teacherEmail, password: PASSWORD })).body.session;
    const student = await seedUser(app);
    const flagged = await call("PUT", "/user/update", {
      session: teacher,
      user: student.id,
      teacher: null,
      admin: null,
      privileged_student: true,
      report_spammer: true,
    });
    expect(flagged.body).toEqual({ error: null });
    const seen = await call("POST", "/user/info", { session: teacher, user: student.id });
    expect(seen.body).toEqual({ error: null, teacher: false, admin: false, privileged_student: true, report_spammer: 1 });
    const studentSession = (await call("POST", "/user/login", { email: student.email, password: PASSWORD })).body.session;
    const own = await call("POST", "/user/info", { session: studentSession, user: null });
    expect(own.body).toMatchObject({ privileged_student: true, report_spammer: 0 });
    const audit = await app.db.auditEntry.findMany({ where: { targetId: student.id } });
    expect(audit.map((a) => a.field).sort()).toEqual(["privilegedStudent", "reportSpammer"]);
  });
});

describe("seed 002 sessions are GUIDs", () => {
  it("/user/login and /user/verify issue UUID v4 sessions, stored only as their SHA-256", async () => {
    const user = await seedUser(app);
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { body } = await call("POST", "/user/login", { email: user.email, password: PASSWORD });
      expect(body.session).toMatch(GUID_V4);
      tokens.add(body.session);
    }
    expect(tokens.size).toBe(5);
    const rows = await app.db.session.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.tokenHash).sort()).toEqual([...tokens].map(hashToken).sort());
    // No column holds a token itself (the ids are UUIDs of their own).
    const stored = JSON.stringify(rows);
    for (const token of tokens) expect(stored).not.toContain(token);

    const email = freshEmail("guid");
    await call("POST", "/user/register", { email, password: PASSWORD, name: "Guid", teacher_token: null });
    const link = tokenFromLink((await app.mailsTo(email))[0]!.text, "/verify");
    expect((await call("PATCH", "/user/verify", { token: link })).body.session).toMatch(GUID_V4);
  });

  it("a GUID session is valid everywhere; tRPC and seed 000 sessions keep their form and are valid on seed 002", async () => {
    const user = await seedUser(app);
    const guid = (await call("POST", "/user/login", { email: user.email, password: PASSWORD })).body.session as string;
    expect((await call("GET", "/api/user/session/validate", undefined, { authorization: `Bearer ${guid}` })).body.data.userId).toBe(
      user.id,
    );
    const viaTrpc = await fetch(`${base}/api/trpc/session.validate`, { headers: { authorization: `Bearer ${guid}` } });
    expect(((await viaTrpc.json()) as any).result.data.userId).toBe(user.id);

    const trpcLogin = await fetch(`${base}/api/trpc/session.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    const userApiLogin = await call("POST", "/api/user/session/create", { email: user.email, password: PASSWORD });
    for (const res of [trpcLogin, userApiLogin.res]) {
      const token = res.headers.getSetCookie()[0]!.split(";")[0]!.split("=")[1]!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await call("POST", "/user/info", { session: token, user: null })).body.error).toBeNull();
    }
  });
});

describe("seed 002: one's own report_spammer", () => {
  const update = (session: string, changes: Record<string, unknown>) =>
    call("PUT", "/user/update", {
      session,
      user: null,
      teacher: null,
      admin: null,
      privileged_student: null,
      report_spammer: null,
      ...changes,
    });

  it("restated unchanged is accepted and changes nothing; changed, it is still refused and changes nothing", async () => {
    const admin = await seedUser(app, { admin: true });
    const session = (await call("POST", "/user/login", { email: admin.email, password: PASSWORD })).body.session;
    const other = await seedUser(app);
    const before = await snapshot(app);
    expect(await update(session, { report_spammer: false })).toMatchObject({ status: 200, body: { error: null } });
    expect(await snapshot(app)).toEqual(before);

    // Restated beside a real change: the change is made, report_spammer stays, one audit entry.
    expect((await update(session, { report_spammer: false, privileged_student: true })).body).toEqual({ error: null });
    const row = await app.db.user.findUniqueOrThrow({ where: { id: admin.id } });
    expect(row).toMatchObject({ privilegedStudent: true, reportSpammer: false });
    expect((await app.db.auditEntry.findMany({ where: { targetId: admin.id } })).map((a) => a.field)).toEqual(["privilegedStudent"]);

    const changed = await snapshot(app);
    expect(await update(session, { report_spammer: true })).toMatchObject({ status: 403, body: { error: "SELF_REPORT_SPAMMER" } });
    expect(await update(session, { report_spammer: true, privileged_student: false })).toMatchObject({
      status: 403,
      body: { error: "SELF_REPORT_SPAMMER" },
    });
    expect(await snapshot(app)).toEqual(changed);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: other.id } })).reportSpammer).toBe(false);
  });

  it("takes report_spammer as /user/info gives it, 0 or 1, as well as a boolean", async () => {
    const teacher = await seedUser(app, { teacher: true });
    const session = (await call("POST", "/user/login", { email: teacher.email, password: PASSWORD })).body.session;
    const shown = (await call("POST", "/user/info", { session, user: null })).body.report_spammer;
    expect(shown).toBe(0);
    const before = await snapshot(app);
    expect(await update(session, { report_spammer: shown })).toMatchObject({ status: 200, body: { error: null } });
    expect(await snapshot(app)).toEqual(before);
    expect(await update(session, { report_spammer: 1 })).toMatchObject({ status: 403, body: { error: "SELF_REPORT_SPAMMER" } });
    const student = await seedUser(app);
    expect((await update(session, { user: student.id, report_spammer: 1 })).body).toEqual({ error: null });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: student.id } })).reportSpammer).toBe(true);
    expect((await update(session, { user: student.id, report_spammer: 0 })).body).toEqual({ error: null });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: student.id } })).reportSpammer).toBe(false);
    for (const odd of [2, -1, 0.5, "1"]) {
      expect(await update(session, { user: student.id, report_spammer: odd })).toMatchObject({
        status: 400,
        body: { error: "VALIDATION_FAILED" },
      });
    }
  });

  it("a student's answer never tells whether they are flagged: it follows the value /user/info shows them", async () => {
    const flagged = await seedUser(app);
    const unflagged = await seedUser(app);
    await app.db.user.update({ where: { id: flagged.id }, data: { reportSpammer: true } });
    const answers = [];
    for (const student of [flagged, unflagged]) {
      const session = (await call("POST", "/user/login", { email: student.email, password: PASSWORD })).body.session;
      expect((await call("POST", "/user/info", { session, user: null })).body.report_spammer).toBe(0);
      answers.push([(await update(session, { report_spammer: false })).body, (await update(session, { report_spammer: true })).body]);
    }
    expect(answers[0]).toEqual(answers[1]);
    // Restating the shown value is a no-op for anyone; changing it is refused for anyone.
    expect(answers[0]).toEqual([{ error: null }, { error: "SELF_REPORT_SPAMMER" }]);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: flagged.id } })).reportSpammer).toBe(true);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: unflagged.id } })).reportSpammer).toBe(false);
  });
});

describe("both APIs decide as tRPC does", () => {
  it.each([
    ["bad email", { email: "nope", password: PASSWORD, name: "X" }, "VALIDATION_FAILED"],
    ["common password", { email: "common@school.example", password: "qwerty123456", name: "X" }, "VALIDATION_FAILED"],
    ["invalid teacher token", { email: "tt@school.example", password: PASSWORD, name: "X", teacherToken: "nope" }, "TEACHER_TOKEN_INVALID"],
  ])("register: %s", async (_name, input, code) => {
    const before = await snapshot(app);
    const viaTrpc = await app
      .caller()
      .user.register(input)
      .catch((e) => e.appCode);
    const via000 = (await call("POST", "/api/user/register", input)).body.error.code;
    const { teacherToken, ...rest } = input as { teacherToken?: string };
    const via002 = (await call("POST", "/user/register", { ...rest, teacher_token: teacherToken ?? null })).body.error;
    expect([viaTrpc, via000, via002]).toEqual([code, code, code]);
    expect(await snapshot(app)).toEqual(before);
  });

  it("an existing address gets the same success on every path", async () => {
    const user = await seedUser(app);
    const input = { email: user.email, password: PASSWORD, name: "Again" };
    expect(await app.caller().user.register(input)).toEqual({ verified: false });
    expect((await call("POST", "/api/user/register", input)).body).toEqual({ status: "success", data: { verified: false } });
    expect((await call("POST", "/user/register", { ...input, teacher_token: null })).body).toEqual({ error: null });
    expect(await app.db.login.count({ where: { email: user.email } })).toBe(1);
  });

  it("log-in failures: wrong password, unknown address, unverified", async () => {
    const user = await seedUser(app);
    const unverified = await seedUser(app, { verified: false });
    for (const [input, code] of [
      [{ email: user.email, password: "wrong password!" }, "INVALID_CREDENTIALS"],
      [{ email: freshEmail("ghost"), password: "wrong password!" }, "INVALID_CREDENTIALS"],
      [{ email: unverified.email, password: PASSWORD }, "INVALID_CREDENTIALS"],
    ] as const) {
      const viaTrpc = await app
        .caller()
        .session.create(input)
        .catch((e) => e.appCode);
      const via000 = (await call("POST", "/api/user/session/create", input)).body.error.code;
      const via002 = (await call("POST", "/user/login", input)).body.error;
      expect([viaTrpc, via000, via002]).toEqual([code, code, code]);
    }
  });

  it("rate limits are shared: failures on /user/login count for session.create", async () => {
    const user = await seedUser(app);
    for (let i = 0; i < 10; i++) {
      const r = await call("POST", "/user/login", { email: user.email, password: "wrong password!" });
      expect(r.body.error).toBe("INVALID_CREDENTIALS");
    }
    // The same client (this test's HTTP requests come from 127.0.0.1).
    await expect(app.caller({ ip: "127.0.0.1" }).session.create({ email: user.email, password: PASSWORD })).rejects.toMatchObject({
      appCode: "RATE_LIMITED",
    });
    const seed000 = await call("POST", "/api/user/session/create", { email: user.email, password: PASSWORD });
    expect(seed000.status).toBe(429);
    expect(Number(seed000.res.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("permissions: a student may not read another user nor change flags", async () => {
    const student = await seedUser(app);
    const other = await seedUser(app);
    const session = (await call("POST", "/user/login", { email: student.email, password: PASSWORD })).body.session;
    const before = await snapshot(app);
    expect((await call("POST", "/user/info", { session, user: other.id })).body.error).toBe("NOT_PERMITTED");
    const update = await call("PUT", "/user/update", {
      session,
      user: other.id,
      teacher: true,
      admin: null,
      privileged_student: null,
      report_spammer: null,
    });
    expect(update).toMatchObject({ status: 403, body: { error: "NOT_PERMITTED" } });
    await expect(app.caller({ token: session }).admin.setFlags({ userId: other.id, teacher: true })).rejects.toMatchObject({
      appCode: "NOT_PERMITTED",
    });
    expect(await snapshot(app)).toEqual(before);
  });

  it("the last admin cannot be demoted on any path", async () => {
    const solo = await createTestApp();
    try {
      const url = await solo.httpUrl();
      const admin = await seedUser(solo, { admin: true });
      const login = await fetch(`${url}/user/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: admin.email, password: PASSWORD }),
      });
      const session = ((await login.json()) as { session: string }).session;
      const res = await fetch(`${url}/user/update`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ session, user: null, teacher: null, admin: false, privileged_student: null, report_spammer: null }),
      });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: "LAST_ADMIN" });
      await expect(solo.caller({ token: session }).admin.setFlags({ admin: false })).rejects.toMatchObject({ appCode: "LAST_ADMIN" });
    } finally {
      await solo.close();
    }
  });
});

describe("bad requests are clear 4xx answers, never 500", () => {
  it.each([
    ["/api/user/session/create", "POST"],
    ["/user/login", "POST"],
  ])("%s: malformed JSON, wrong content type, wrong method", async (path, method) => {
    const malformed = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: "{oops" });
    expect(malformed.status).toBe(400);
    const text = await fetch(`${base}${path}`, { method, headers: { "content-type": "text/plain" }, body: "email=a" });
    expect(text.status).toBe(415);
    const wrong = await fetch(`${base}${path}`, { method: "GET" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe(method);
    for (const res of [malformed, text, wrong]) {
      const body = JSON.stringify(await res.json());
      expect(body).toMatch(/VALIDATION_FAILED|UNSUPPORTED_MEDIA_TYPE|METHOD_NOT_SUPPORTED/);
    }
  });

  it("text with a NUL character is VALIDATION_FAILED", async () => {
    expect(await call("POST", "/user/login", { email: "a\u0000@school.example", password: "x" })).toMatchObject({
      status: 400,
      body: { error: "VALIDATION_FAILED" },
    });
    expect((await call("POST", "/api/user/register", { email: "n@school.example", password: PASSWORD, name: "N\u0000" })).status).toBe(400);
  });

  it("unknown endpoints are 404 in each API's envelope", async () => {
    expect(await call("GET", "/api/user/nothing")).toMatchObject({ status: 404, body: { status: "error", error: { code: "NOT_FOUND" } } });
    expect(await call("POST", "/user/nothing", {})).toMatchObject({ status: 404, body: { error: "NOT_FOUND" } });
  });

  it("cross-site mutations are refused", async () => {
    const email = freshEmail("csrf2");
    const res = await call(
      "POST",
      "/user/register",
      { email, password: PASSWORD, name: "X", teacher_token: null },
      { origin: "https://evil.example" },
    );
    expect(res).toMatchObject({ status: 403, body: { error: "CROSS_SITE_REQUEST" } });
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });
});

describe("/api/openapi.json", () => {
  const routes = [
    ["post", "/api/user/session/create"],
    ["post", "/api/user/session/second-factor"],
    ["get", "/api/user/session/validate"],
    ["delete", "/api/user/session/delete"],
    ["post", "/api/user/register"],
    ["get", "/api/user"],
    ["patch", "/api/user/update"],
    ["delete", "/api/user/delete"],
    ["get", "/api/user/permissions"],
    ["post", "/user/register"],
    ["patch", "/user/verify"],
    ["post", "/user/login"],
    ["post", "/user/info"],
    ["put", "/user/update"],
  ] as const;

  it("is a valid OpenAPI 3.1 document with every route of both seeds", async () => {
    const doc = (await call("GET", "/api/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    await SwaggerParser.validate(structuredClone(doc));
    for (const [method, path] of routes) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(Object.values(doc.paths).flatMap((p: any) => Object.keys(p))).toHaveLength(routes.length);
  });
});
