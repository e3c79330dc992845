// admin.listUsers, teacher tokens and the audit log, as an admin uses them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { refuseWrites } from "../support/refused-writes";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let adminToken: string;
let teacherToken: string;
beforeAll(async () => {
  app = await createTestApp();
  const admin = await seedUser(app, { admin: true, name: "Ada Admin", email: "ada.admin@school.example" });
  const teacher = await seedUser(app, { teacher: true, name: "Tess Teacher", email: "tess@school.example" });
  adminToken = await logInAs(app, admin.email);
  teacherToken = await logInAs(app, teacher.email);
  for (let i = 0; i < 23; i++) {
    await seedUser(app, { name: `Pupil ${String(i).padStart(2, "0")}`, email: `pupil${i}@school.example`, privilegedStudent: i % 5 === 0 });
  }
});
afterAll(() => app.close());

const admin = () => app.caller({ token: adminToken }).admin;

describe("admin.listUsers", () => {
  it("pages through every user exactly once, newest first", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof admin>["listUsers"]>> = await admin().listUsers({ limit: 10, cursor });
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(25);
    const all = await app.db.user.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(seen).toEqual(all.map((u) => u.id));
  });

  it("searches email and name, case-insensitively", async () => {
    const byName = await admin().listUsers({ query: "pupil 1" });
    expect(byName.items.map((u) => u.name).sort()).toEqual(
      ["Pupil 10", "Pupil 11", "Pupil 12", "Pupil 13", "Pupil 14", "Pupil 15", "Pupil 16", "Pupil 17", "Pupil 18", "Pupil 19"].sort(),
    );
    const byEmail = await admin().listUsers({ query: "TESS@" });
    expect(byEmail.items.map((u) => u.email)).toEqual(["tess@school.example"]);
  });

  it("a search follows renames, email changes and deletions", async () => {
    const user = await seedUser(app, { name: "Quentin Quill", email: "quill@school.example" });
    const names = async (query: string) => (await admin().listUsers({ query })).items.map((u) => u.name);
    expect(await names("QUENTIN")).toEqual(["Quentin Quill"]);
    await app.db.user.update({ where: { id: user.id }, data: { name: "Rosa Reed" } });
    expect(await names("quentin")).toEqual([]);
    expect(await names("sa re")).toEqual(["Rosa Reed"]);
    await app.db.login.update({ where: { userId: user.id }, data: { email: "rosa.reed@school.example" } });
    expect(await names("quill@")).toEqual([]);
    expect(await names("rosa.reed@")).toEqual(["Rosa Reed"]);
    await app.db.user.delete({ where: { id: user.id } });
    expect(await names("rosa")).toEqual([]);
  });

  it("matches short searches too, and treats % and _ as plain characters", async () => {
    const short = await admin().listUsers({ query: "22" });
    expect(short.items.map((u) => u.email)).toEqual(["pupil22@school.example"]);
    // Unescaped, LIKE would read _ as any character ("Pupil 1…") and % as anything.
    expect((await admin().listUsers({ query: "pupil_1" })).items).toEqual([]);
    expect((await admin().listUsers({ query: "%" })).items).toEqual([]);
    expect((await admin().listUsers({ query: "a\\b" })).items).toEqual([]);
  });

  it("users created in the same millisecond are each listed once, in id order, across page boundaries", async () => {
    const at = new Date("2020-01-01T00:00:00.000Z");
    const twins = [];
    for (let i = 0; i < 7; i++) twins.push(await seedUser(app, { name: `Twin ${i}` }));
    await app.db.user.updateMany({ where: { id: { in: twins.map((t) => t.id) } }, data: { createdAt: at } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof admin>["listUsers"]>> = await admin().listUsers({ limit: 3, cursor, query: "Twin" });
      seen.push(...page.items.map((u) => u.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      twins
        .map((t) => t.id)
        .sort()
        .reverse(),
    );
    await app.db.user.deleteMany({ where: { id: { in: twins.map((t) => t.id) } } });
  });

  it("pages through a search by cursor, each match once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof admin>["listUsers"]>> = await admin().listUsers({
        query: "PUPIL",
        limit: 10,
        cursor,
      });
      seen.push(...page.items.map((u) => u.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it("filters by flags", async () => {
    const privileged = await admin().listUsers({ flags: { privilegedStudent: true } });
    expect(privileged.items).toHaveLength(5);
    expect(privileged.items.every((u) => u.privilegedStudent)).toBe(true);
    const teachers = await app.caller({ token: teacherToken }).admin.listUsers({ flags: { teacher: true } });
    expect(teachers.items.map((u) => u.name)).toEqual(["Tess Teacher"]);
  });

  // Which admins have no second factor is a phisher's short list: only admins see the mark, or filter by it.
  it("shows whether users have two-step verification to admins only; a teacher may not filter by it", async () => {
    await app.db.user.updateMany({ where: { login: { email: "pupil3@school.example" } }, data: { secondFactor: true } });
    try {
      const asAdmin = (await admin().listUsers({ limit: 100 })).items;
      expect(asAdmin.find((u) => u.email === "pupil3@school.example")?.secondFactor).toBe(true);
      expect(asAdmin.find((u) => u.email === "ada.admin@school.example")?.secondFactor).toBe(false);
      expect((await admin().listUsers({ secondFactor: true })).items.map((u) => u.email)).toEqual(["pupil3@school.example"]);
      const teacher = app.caller({ token: teacherToken }).admin;
      const asTeacher = (await teacher.listUsers({ limit: 100 })).items;
      expect(asTeacher).toHaveLength(asAdmin.length);
      expect(asTeacher.every((u) => u.secondFactor === null)).toBe(true);
      for (const secondFactor of [true, false]) {
        await expectAppError(teacher.listUsers({ secondFactor }), "FORBIDDEN", "NOT_PERMITTED");
      }
      expect((await teacher.listUsers({ secondFactor: null })).items).toHaveLength(Math.min(asAdmin.length, 50));
    } finally {
      await app.db.user.updateMany({ where: { login: { email: "pupil3@school.example" } }, data: { secondFactor: false } });
    }
  });

  it("never returns secrets", async () => {
    const page = await admin().listUsers({ limit: 100 });
    expect(JSON.stringify(page)).not.toMatch(/argon2|passwordHash|tokenHash/);
  });

  it("refuses a limit over 100 and a forged cursor with VALIDATION_FAILED", async () => {
    await expectAppError(admin().listUsers({ limit: 101 }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin().listUsers({ cursor: "forged" }), "BAD_REQUEST", "VALIDATION_FAILED");
  });

  // A cursor names a row's position: one whose time no row can have (past what
  // the search keys or the database's dates hold, before 1970, or not in the
  // form nextCursor has) is refused as a forged one, never a 500.
  it.each([
    ["the year 3000", "3000-01-01T00:00:00.000Z"],
    ["the year 275760", "+275760-09-13T00:00:00.000Z"],
    ["before 1970", "1969-12-31T23:59:59.000Z"],
    ["the year -1", "-000001-01-01T00:00:00.000Z"],
    ["a date without its time", "2026-11-01"],
    ["a local time", "2026-11-01T10:00:00"],
  ])("refuses a cursor at %s on every keyset list", async (_, iso) => {
    const cursor = Buffer.from(`${iso}|someone`).toString("base64url");
    const userId = (await admin().listUsers({ limit: 1 })).items[0]!.id;
    for (const query of [undefined, "abc", "ad"]) {
      await expectAppError(admin().listUsers({ query, cursor }), "BAD_REQUEST", "VALIDATION_FAILED");
    }
    await expectAppError(admin().auditLog({ cursor }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin().securityEvents({ userId, cursor }), "BAD_REQUEST", "VALIDATION_FAILED");
  });
});

describe("teacher tokens", () => {
  it("creates a token shown once, lists it without the secret, and a teacher can register with it", async () => {
    const created = await admin().createTeacherToken({ maxUses: 2, expiresInDays: 7, note: "Science department" });
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (new Date(created.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const listed = (await admin().listTeacherTokens()).items.find((t) => t.id === created.id)!;
    expect(listed).toMatchObject({ note: "Science department", maxUses: 2, uses: 0, usesLeft: 2, state: "active", revokedAt: null });
    expect(JSON.stringify(await admin().listTeacherTokens())).not.toContain(created.token);
    await app.caller().user.register({ email: "new.teacher@school.example", password: PASSWORD, name: "New", teacherToken: created.token });
    const after = (await admin().listTeacherTokens()).items.find((t) => t.id === created.id)!;
    expect(after).toMatchObject({ uses: 1, usesLeft: 1, state: "active" });
  });

  it("a token whose audit entry cannot be written is not created: no live token without its entry", async () => {
    const before = await app.db.teacherToken.count();
    const undo = await refuseWrites(app.db, { table: "AuditEntry", on: "INSERT", message: "audit unavailable" });
    try {
      await expectAppError(admin().createTeacherToken({ note: "No entry" }), "INTERNAL_SERVER_ERROR", "INTERNAL_ERROR");
    } finally {
      await undo();
    }
    expect(await app.db.teacherToken.count()).toBe(before);
  });

  it("defaults to one use for 14 days and refuses out-of-range options", async () => {
    const created = await admin().createTeacherToken({});
    const listed = (await admin().listTeacherTokens()).items.find((t) => t.id === created.id)!;
    expect(listed.maxUses).toBe(1);
    expect(Math.round((new Date(listed.expiresAt).getTime() - Date.now()) / 86_400_000)).toBe(14);
    await expectAppError(admin().createTeacherToken({ maxUses: 1001 }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin().createTeacherToken({ expiresInDays: 91 }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(admin().createTeacherToken({ maxUses: 0 }), "BAD_REQUEST", "VALIDATION_FAILED");
  });

  it("a revoked token is refused at registration and listed as revoked", async () => {
    const created = await admin().createTeacherToken({ maxUses: 5 });
    expect(await admin().revokeTeacherToken({ id: created.id })).toEqual({ ok: true });
    expect((await admin().listTeacherTokens()).items.find((t) => t.id === created.id)?.state).toBe("revoked");
    await expectAppError(
      app.caller().user.register({ email: "late@school.example", password: PASSWORD, name: "Late", teacherToken: created.token }),
      "BAD_REQUEST",
      "TEACHER_TOKEN_INVALID",
    );
    await expectAppError(admin().revokeTeacherToken({ id: "nope" }), "NOT_FOUND", "TEACHER_TOKEN_NOT_FOUND");
  });

  it("a token with every use spent is listed as used, one past its date as expired; both are refused", async () => {
    const spent = await admin().createTeacherToken({ maxUses: 1 });
    await app.caller().user.register({ email: freshEmail("first-teacher"), password: PASSWORD, name: "First", teacherToken: spent.token });
    const old = await admin().createTeacherToken({ maxUses: 3 });
    await app.db.teacherToken.update({ where: { id: old.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const listed = (await admin().listTeacherTokens()).items;
    expect(listed.find((t) => t.id === spent.id)).toMatchObject({ state: "used", usesLeft: 0 });
    expect(listed.find((t) => t.id === old.id)).toMatchObject({ state: "expired" });
    for (const token of [spent.token, old.token]) {
      await expectAppError(
        app.caller().user.register({ email: freshEmail("too-late"), password: PASSWORD, name: "Late", teacherToken: token }),
        "BAD_REQUEST",
        "TEACHER_TOKEN_INVALID",
      );
    }
  });
});

describe("bound teacher tokens", () => {
  it("binds a token to one address or one domain, stored normalised, listed and audited", async () => {
    const forOne = await admin().createTeacherToken({ email: " Nina.Newton@School.Example ", note: "Nina" });
    const forDomain = await admin().createTeacherToken({ domain: "@Staff.School.Example", maxUses: 5 });
    const open = await admin().createTeacherToken({});
    expect(forOne).toMatchObject({ email: "nina.newton@school.example", domain: null });
    expect(forDomain).toMatchObject({ email: null, domain: "staff.school.example" });
    const listed = (await admin().listTeacherTokens()).items;
    expect(listed.find((t) => t.id === forOne.id)).toMatchObject({ email: "nina.newton@school.example", domain: null, state: "active" });
    expect(listed.find((t) => t.id === forDomain.id)).toMatchObject({ email: null, domain: "staff.school.example" });
    expect(listed.find((t) => t.id === open.id)).toMatchObject({ email: null, domain: null });
    const entries = (await admin().auditLog({ limit: 100 })).items.filter((e) => e.action === "createTeacherToken");
    expect(entries.find((e) => e.field === forOne.id)?.newValue).toMatch(/^1 use\(s\) until .*, only for nina\.newton@school\.example$/);
    expect(entries.find((e) => e.field === forDomain.id)?.newValue).toMatch(
      /^5 use\(s\) until .*, only for addresses @staff\.school\.example$/,
    );
    expect(entries.find((e) => e.field === open.id)?.newValue).not.toContain("only");
  });

  it("refuses both bindings at once, a malformed address or domain, and creates nothing", async () => {
    const before = await app.db.teacherToken.count();
    const both = await expectAppError(
      admin().createTeacherToken({ email: "nina@school.example", domain: "school.example" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect(both.details.fieldErrors?.domain?.[0]).toMatch(/not both/);
    for (const domain of ["localhost", "school example", "a@school.example", "", "-x.example"]) {
      await expectAppError(admin().createTeacherToken({ domain }), "BAD_REQUEST", "VALIDATION_FAILED");
    }
    await expectAppError(admin().createTeacherToken({ email: "not-an-address" }), "BAD_REQUEST", "VALIDATION_FAILED");
    expect(await app.db.teacherToken.count()).toBe(before);
  });

  it("a bound token registers its own teacher and refuses anyone else", async () => {
    const created = await admin().createTeacherToken({ domain: "science.school.example", maxUses: 3 });
    await expectAppError(
      app.caller().user.register({ email: freshEmail("outsider"), password: PASSWORD, name: "Outsider", teacherToken: created.token }),
      "BAD_REQUEST",
      "TEACHER_TOKEN_INVALID",
    );
    const email = `sam-${Date.now()}@science.school.example`;
    expect(await app.caller().user.register({ email, password: PASSWORD, name: "Sam", teacherToken: created.token })).toEqual({
      verified: true,
    });
    expect((await admin().listTeacherTokens()).items.find((t) => t.id === created.id)).toMatchObject({ uses: 1, usesLeft: 2 });
  });
});

describe("admin.revokeSessions and admin.auditLog", () => {
  it("records revoked sessions, teacher tokens made and revoked, and accounts deleted by their owners", async () => {
    const user = await seedUser(app);
    await logInAs(app, user.email);
    await admin().revokeSessions({ userId: user.id });
    const created = await admin().createTeacherToken({ maxUses: 3 });
    await admin().revokeTeacherToken({ id: created.id });
    const leaving = await seedUser(app);
    await app.caller({ token: await logInAs(app, leaving.email) }).user.delete({ password: PASSWORD });
    const entries = (await admin().auditLog({ limit: 100 })).items;
    expect(entries.find((e) => e.action === "revokeSessions" && e.target?.id === user.id)).toMatchObject({
      newValue: "1",
      target: { label: user.email },
      actor: { label: "Ada Admin" },
    });
    expect(entries.find((e) => e.action === "createTeacherToken" && e.field === created.id)?.newValue).toMatch(/^3 use\(s\) until /);
    expect(entries.find((e) => e.action === "revokeTeacherToken" && e.field === created.id)).toBeDefined();
    expect(entries.find((e) => e.action === "deleteOwnAccount" && e.target.label === leaving.email)).toMatchObject({
      actor: { label: leaving.name },
    });
  });

  it("logs a user out everywhere and says how many sessions ended", async () => {
    const user = await seedUser(app);
    const t1 = await logInAs(app, user.email);
    await logInAs(app, user.email);
    expect(await admin().revokeSessions({ userId: user.id })).toEqual({ revoked: 2 });
    await expectAppError(app.caller({ token: t1 }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
  });

  it("lists entries newest first, by user, in pages", async () => {
    const user = await seedUser(app, { email: "audited@school.example" });
    await admin().setFlags({ userId: user.id, privilegedStudent: true });
    await admin().setFlags({ userId: user.id, teacher: true, reportSpammer: true });
    const log = await admin().auditLog({ userId: user.id });
    expect(log.items.map((e) => e.field)).toEqual(expect.arrayContaining(["teacher", "reportSpammer", "privilegedStudent"]));
    expect(log.items.at(-1)).toMatchObject({
      action: "setFlag",
      field: "privilegedStudent",
      oldValue: "false",
      newValue: "true",
      target: { id: user.id, label: "audited@school.example" },
      actor: { label: "Ada Admin" },
    });
    const first = await admin().auditLog({ limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await admin().auditLog({ limit: 2, cursor: first.nextCursor });
    expect(second.items[0]!.id).not.toBe(first.items[1]!.id);
    expect(new Date(second.items[0]!.createdAt).getTime()).toBeLessThanOrEqual(new Date(first.items[1]!.createdAt).getTime());
  });

  it("keeps entries about a deleted user", async () => {
    const user = await seedUser(app, { email: "gone@school.example" });
    await admin().setFlags({ userId: user.id, privilegedStudent: true });
    await admin().deleteUser({ userId: user.id });
    const log = await admin().auditLog({ userId: user.id });
    expect(log.items.map((e) => e.action).sort()).toEqual(["deleteUser", "setFlag"]);
  });
});
