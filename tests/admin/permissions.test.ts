// Every user and admin procedure × every kind of caller: the answer, and for
// a refusal, that nothing changed.

import fs from "node:fs";
import { createElement } from "react";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountSummary } from "@/app/(app)/account/account-summary";
import { AdminDashboard } from "@/app/admin/admin-dashboard";
import Forbidden from "@/app/forbidden";
import { flagsSelect } from "@/server/db/selects";
import { fromUpdateFlags, infoFlagsShape, toInfoFlags, updateFlagsShape } from "@/server/http/legacy-user-flags";
import type { ValidSession } from "@/server/services/sessions";
import { createTeacherToken } from "@/server/services/teacher-tokens";
import { setFlags } from "@/server/services/user-flags";
import type { AppCode } from "@/shared/app-codes";
import {
  type Actor,
  actorOf,
  byFlag,
  CAPABILITIES,
  canSetFlag,
  FLAG_NAMES,
  FLAG_RULES,
  type FlagRule,
  flagDecisionReason,
  PERMISSIONS,
  ROLE_FLAGS,
  roleOf,
  rolesInWords,
  rolesThatMay,
} from "@/shared/permissions";
import { permissionsMarkdown } from "@/shared/permissions-doc";
import { TEACHER_TOKEN_LIMITS } from "@/shared/policy";
import { listedUser, listUsersInput, setFlagsInput, userFlagsOutput } from "@/shared/schemas/admin";
import { flagsSchema, infoOutput, meOutput, permissionsOutput } from "@/shared/schemas/user";
import { pageUser, textOf } from "../support/render";
import { CALLER_KINDS, type CallerKind, type Cast, seedCast, snapshot } from "../support/roles";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let cast: Cast;
beforeAll(async () => {
  app = await createTestApp();
  cast = await seedCast(app);
});
afterAll(() => app.close());

type Outcome = "ok" | AppCode;

/** Runs a call; on refusal checks the appCode and that the database is unchanged. */
async function expectOutcome(call: () => Promise<unknown>, expected: Outcome) {
  const before = await snapshot(app);
  const result = await call().then(
    () => "ok" as Outcome,
    (e: { appCode?: AppCode }) => (e.appCode ?? "INTERNAL_ERROR") as Outcome,
  );
  expect(result).toBe(expected);
  if (expected !== "ok") expect(await snapshot(app)).toEqual(before);
}

const noSession = (kind: CallerKind) => kind === "anonymous" || kind === "unverified";
const META = { ip: "203.0.113.41", userAgent: null, deviceCookie: null };
/** A request in flight whose caller's account is gone: its session still says admin, proved a moment ago. */
const goneCaller = (): ValidSession => ({
  id: "gone-session",
  userId: "gone",
  expiresAt: new Date(Date.now() + 60_000),
  user: { id: "gone", name: "Gone", teacher: true, admin: true, privilegedStudent: false, reportSpammer: false },
  aal: "aal2",
  method: "totp",
  authenticatedAt: new Date(),
});
const PASSWORD_OF_CAST = "correct horse battery staple";

describe("the unverified user cannot get a session", () => {
  it("log-in is refused as a wrong password is (INVALID_CREDENTIALS)", async () => {
    await expect(
      app.caller().session.create({ email: cast.users.unverified.email, password: cast.users.unverified.password }),
    ).rejects.toMatchObject({ appCode: "INVALID_CREDENTIALS" });
  });
});

describe("user.get and user.permissions", () => {
  const expectedCan: Record<Exclude<CallerKind, "anonymous" | "unverified">, Record<string, boolean>> = {
    student: {
      viewUsers: false,
      setPrivilegedStudent: false,
      setReportSpammer: false,
      setTeacher: false,
      setAdmin: false,
      manageTeacherTokens: false,
      deleteUsers: false,
      resetSecondFactors: false,
    },
    privilegedStudent: {
      viewUsers: false,
      setPrivilegedStudent: false,
      setReportSpammer: false,
      setTeacher: false,
      setAdmin: false,
      manageTeacherTokens: false,
      deleteUsers: false,
      resetSecondFactors: false,
    },
    teacher: {
      viewUsers: true,
      setPrivilegedStudent: true,
      setReportSpammer: true,
      setTeacher: false,
      setAdmin: false,
      manageTeacherTokens: false,
      deleteUsers: false,
      resetSecondFactors: false,
    },
    admin: {
      viewUsers: true,
      setPrivilegedStudent: true,
      setReportSpammer: true,
      setTeacher: true,
      setAdmin: true,
      manageTeacherTokens: true,
      deleteUsers: true,
      resetSecondFactors: true,
    },
  };

  it.each(CALLER_KINDS)("%s", async (kind) => {
    if (noSession(kind)) {
      await expectOutcome(() => cast.as(kind).user.get(), "SESSION_INVALID");
      await expectOutcome(() => cast.as(kind).user.permissions(), "SESSION_INVALID");
      return;
    }
    const me = await cast.as(kind).user.get();
    expect(me).toMatchObject({ id: cast.users[kind].id, email: cast.users[kind].email, emailVerified: true, pendingEmail: null });
    expect(me).not.toHaveProperty("passwordHash");
    const permissions = await cast.as(kind).user.permissions();
    expect(permissions.can).toEqual(expectedCan[kind]);
    expect(permissions.admin).toBe(kind === "admin");
    expect(permissions.teacher).toBe(kind === "teacher");
    expect(permissions.privilegedStudent).toBe(kind === "privilegedStudent");
  });
});

describe("user.update and user.delete", () => {
  it.each(CALLER_KINDS)("%s", async (kind) => {
    if (noSession(kind)) {
      await expectOutcome(() => cast.as(kind).user.update({ name: "Nobody" }), "SESSION_INVALID");
      await expectOutcome(() => cast.as(kind).user.delete({ password: PASSWORD_OF_CAST }), "SESSION_INVALID");
      return;
    }
    const me = await cast.as(kind).user.update({ name: `${kind} renamed` });
    expect(me.name).toBe(`${kind} renamed`);
    // Flags cannot be set through user.update: unknown keys are ignored.
    await cast.as(kind).user.update({ admin: true, teacher: true } as never);
    expect((await cast.as(kind).user.permissions()).admin).toBe(kind === "admin");
    await expectOutcome(() => cast.as(kind).user.delete({ password: "not the password" }), "WRONG_PASSWORD");
  });
});

describe("user.info", () => {
  beforeAll(async () => {
    // Everyone but the admins is a reported spammer, to see who may see it.
    await app.db.user.updateMany({ where: { admin: false }, data: { reportSpammer: true } });
  });
  afterAll(async () => {
    await app.db.user.updateMany({ data: { reportSpammer: false } });
  });

  it.each(CALLER_KINDS)("%s about themselves: reportSpammer only for teachers and admins", async (kind) => {
    if (noSession(kind)) return expectOutcome(() => cast.as(kind).user.info({}), "SESSION_INVALID");
    const info = await cast.as(kind).user.info({ userId: null });
    expect(info.userId).toBe(cast.users[kind].id);
    expect(info.reportSpammer).toBe(kind === "teacher");
    expect(await cast.as(kind).user.info()).toEqual(info);
  });

  it.each(CALLER_KINDS)("%s about another user", async (kind) => {
    const call = () => cast.as(kind).user.info({ userId: cast.users.target.id });
    if (noSession(kind)) return expectOutcome(call, "SESSION_INVALID");
    if (kind === "student" || kind === "privilegedStudent") return expectOutcome(call, "NOT_PERMITTED");
    expect(await call()).toEqual({
      userId: cast.users.target.id,
      name: "Tom Target",
      teacher: false,
      admin: false,
      privilegedStudent: false,
      reportSpammer: true,
    });
  });

  it("an unknown id is USER_NOT_FOUND for a teacher", async () => {
    await expectOutcome(() => cast.as("teacher").user.info({ userId: "no-such-user" }), "USER_NOT_FOUND");
  });
});

describe("admin.setFlags", () => {
  beforeEach(async () => {
    await app.db.user.update({
      where: { id: cast.users.target.id },
      data: { teacher: false, admin: false, privilegedStudent: false, reportSpammer: false },
    });
  });

  const onTarget = (flags: Record<string, boolean>) => ({ userId: cast.users.target.id, ...flags });
  const cases: [string, Record<string, boolean>, Partial<Record<CallerKind, Outcome>>][] = [
    ["privilegedStudent on a student", { privilegedStudent: true }, { teacher: "ok", admin: "ok" }],
    ["reportSpammer on a student", { reportSpammer: true }, { teacher: "ok", admin: "ok" }],
    ["both student flags at once", { privilegedStudent: true, reportSpammer: true }, { teacher: "ok", admin: "ok" }],
    ["teacher on a student", { teacher: true }, { admin: "ok" }],
    ["admin on a student", { admin: true }, { admin: "ok" }],
    ["a student flag plus teacher (all or nothing)", { privilegedStudent: true, teacher: true }, { admin: "ok" }],
  ];

  for (const [name, flags, allowed] of cases) {
    it.each(CALLER_KINDS)(`${name}: %s`, async (kind) => {
      const expected: Outcome = noSession(kind) ? "SESSION_INVALID" : (allowed[kind] ?? "NOT_PERMITTED");
      await expectOutcome(() => cast.as(kind).admin.setFlags(onTarget(flags)), expected);
      if (expected === "ok") {
        const after = await app.db.user.findUniqueOrThrow({ where: { id: cast.users.target.id } });
        for (const [flag, value] of Object.entries(flags)) expect(after[flag as keyof typeof after]).toBe(value);
      }
    });
  }

  it("returns the flags after the change and writes one audit entry per changed flag", async () => {
    const before = await app.db.auditEntry.count();
    const result = await cast.as("teacher").admin.setFlags(onTarget({ privilegedStudent: true, reportSpammer: false }));
    expect(result).toEqual({ userId: cast.users.target.id, teacher: false, admin: false, privilegedStudent: true, reportSpammer: false });
    const entries = await app.db.auditEntry.findMany({ orderBy: { createdAt: "desc" }, take: 5 });
    expect(await app.db.auditEntry.count()).toBe(before + 1);
    expect(entries[0]).toMatchObject({
      actorId: cast.users.teacher.id,
      targetId: cast.users.target.id,
      targetLabel: cast.users.target.email,
      action: "setFlag",
      field: "privilegedStudent",
      oldValue: "false",
      newValue: "true",
    });
  });

  it("asking for the values a user has changes nothing, not even the row's time, and audits nothing", async () => {
    const before = await snapshot(app);
    const row = await app.db.user.findUniqueOrThrow({ where: { id: cast.users.target.id } });
    const result = await cast.as("admin").admin.setFlags(onTarget({ privilegedStudent: false, teacher: false }));
    expect(result).toEqual({ userId: row.id, teacher: false, admin: false, privilegedStudent: false, reportSpammer: false });
    expect(await snapshot(app)).toEqual(before);
    expect(await app.db.user.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });

  it.each(CALLER_KINDS)(
    "%s about themselves: the answer shows reportSpammer only to teachers and admins, and changes nothing",
    async (kind) => {
      if (noSession(kind)) return expectOutcome(() => cast.as(kind).admin.setFlags({}), "SESSION_INVALID");
      await app.db.user.updateMany({ where: { admin: false }, data: { reportSpammer: true } });
      try {
        const before = await snapshot(app);
        const result = await cast.as(kind).admin.setFlags({});
        expect(result.userId).toBe(cast.users[kind].id);
        expect(result.reportSpammer).toBe(kind === "teacher");
        expect(result).toEqual({ ...(await cast.as(kind).user.info()), name: undefined, userId: cast.users[kind].id });
        expect(await snapshot(app)).toEqual(before);
      } finally {
        await app.db.user.updateMany({ data: { reportSpammer: false } });
      }
    },
  );

  it("null or absent flags are left as they are", async () => {
    await cast.as("admin").admin.setFlags(onTarget({ privilegedStudent: true }));
    const result = await cast.as("admin").admin.setFlags({ userId: cast.users.target.id, privilegedStudent: null, teacher: null });
    expect(result.privilegedStudent).toBe(true);
  });

  it("a teacher may not change flags of a teacher or an admin", async () => {
    await expectOutcome(() => cast.as("teacher").admin.setFlags({ userId: cast.users.admin2.id, reportSpammer: true }), "NOT_PERMITTED");
    await expectOutcome(
      () => cast.as("teacher").admin.setFlags({ userId: cast.users.teacher.id, privilegedStudent: true }),
      "NOT_PERMITTED",
    );
  });

  it.each(["student", "privilegedStudent", "teacher", "admin"] as const)(
    "%s may never change their own reportSpammer: SELF_REPORT_SPAMMER",
    async (kind) => {
      await expectOutcome(() => cast.as(kind).admin.setFlags({ reportSpammer: true }), "SELF_REPORT_SPAMMER");
      await expectOutcome(() => cast.as(kind).admin.setFlags({ userId: cast.users[kind].id, reportSpammer: false }), "SELF_REPORT_SPAMMER");
      // The rule is told before the table's refusal of another flag in the same request.
      await expectOutcome(() => cast.as(kind).admin.setFlags({ teacher: kind !== "admin", reportSpammer: true }), "SELF_REPORT_SPAMMER");
    },
  );

  it("an admin may change other flags of their own (userId null means the caller)", async () => {
    const result = await cast.as("admin").admin.setFlags({ userId: null, privilegedStudent: true });
    expect(result).toMatchObject({ userId: cast.users.admin.id, privilegedStudent: true, admin: true });
    await cast.as("admin").admin.setFlags({ privilegedStudent: false });
  });

  it("an unknown user is USER_NOT_FOUND", async () => {
    await expectOutcome(() => cast.as("admin").admin.setFlags({ userId: "nobody", teacher: true }), "USER_NOT_FOUND");
  });

  it("says what was refused: the table's refusal names the flag, a rule's refusal states the rule", async () => {
    const message = (call: Promise<unknown>) =>
      call.then(
        () => "ok",
        (error: Error) => error.message,
      );
    expect(await message(cast.as("teacher").admin.setFlags(onTarget({ teacher: true })))).toBe(
      "You are not allowed to change the teacher flag of this user.",
    );
    expect(await message(cast.as("admin").admin.setFlags({ reportSpammer: true }))).toBe(
      "Nobody can change their own report-spammer flag.",
    );
    expect(await message(cast.as("student").admin.setFlags(onTarget({ privilegedStudent: true })))).toBe(
      "You are not allowed to change user flags.",
    );
    expect(await message(setFlags(app.services, goneCaller(), onTarget({ privilegedStudent: true }), META))).toBe(
      "You are not allowed to change flags.",
    );
  });

  it("a user without a login is named in the audit log by their name", async () => {
    const nameOnly = await app.db.user.create({ data: { name: "Name Only" } });
    await cast.as("admin").admin.setFlags({ userId: nameOnly.id, privilegedStudent: true });
    expect(await app.db.auditEntry.findFirstOrThrow({ where: { targetId: nameOnly.id } })).toMatchObject({ targetLabel: "Name Only" });
    await app.db.user.delete({ where: { id: nameOnly.id } });
  });

  it("a caller whose account is gone may change nothing, not even learn whether the target exists", async () => {
    for (const userId of [cast.users.target.id, "nobody"]) {
      await expectOutcome(() => setFlags(app.services, goneCaller(), { userId, privilegedStudent: true }, META), "NOT_PERMITTED");
    }
  });
});

describe("admin-only procedures", () => {
  const adminOnly: Record<string, (kind: CallerKind) => Promise<unknown>> = {
    "admin.listTeacherTokens": (kind) => cast.as(kind).admin.listTeacherTokens(),
    "admin.createTeacherToken": (kind) => cast.as(kind).admin.createTeacherToken({ maxUses: 2, note: "perm test" }),
    "admin.auditLog": (kind) => cast.as(kind).admin.auditLog({}),
    "admin.securityEvents": (kind) => cast.as(kind).admin.securityEvents({ userId: cast.users.target.id }),
    "admin.revokeSessions": (kind) => cast.as(kind).admin.revokeSessions({ userId: cast.users.target.id }),
  };
  for (const [name, call] of Object.entries(adminOnly)) {
    it.each(CALLER_KINDS)(`${name}: %s`, async (kind) => {
      await expectOutcome(() => call(kind), noSession(kind) ? "SESSION_INVALID" : kind === "admin" ? "ok" : "NOT_PERMITTED");
    });
  }

  it.each(CALLER_KINDS)("admin.revokeTeacherToken: %s", async (kind) => {
    const { id } = await createTeacherToken(app.db, {});
    await expectOutcome(
      () => cast.as(kind).admin.revokeTeacherToken({ id }),
      noSession(kind) ? "SESSION_INVALID" : kind === "admin" ? "ok" : "NOT_PERMITTED",
    );
  });

  it.each(CALLER_KINDS)("admin.listUsers: %s", async (kind) => {
    const expected: Outcome = noSession(kind) ? "SESSION_INVALID" : kind === "teacher" || kind === "admin" ? "ok" : "NOT_PERMITTED";
    await expectOutcome(() => cast.as(kind).admin.listUsers({}), expected);
  });

  it.each(CALLER_KINDS)("admin.deleteUser: %s", async (kind) => {
    const victim = await app.db.user.create({ data: { name: "Disposable" } });
    const expected: Outcome = noSession(kind) ? "SESSION_INVALID" : kind === "admin" ? "ok" : "NOT_PERMITTED";
    await expectOutcome(() => cast.as(kind).admin.deleteUser({ userId: victim.id }), expected);
    expect(await app.db.user.count({ where: { id: victim.id } })).toBe(expected === "ok" ? 0 : 1);
  });
});

describe("the permission table", () => {
  it("docs/permissions.md is, in full, what the table and its rules generate (npm run docs:permissions)", () => {
    expect(fs.readFileSync("docs/permissions.md", "utf8")).toBe(permissionsMarkdown());
  });

  it("students and privileged students may do nothing to others", () => {
    for (const action of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      expect(PERMISSIONS[action].student).toBeUndefined();
      expect(PERMISSIONS[action].privilegedStudent).toBeUndefined();
    }
  });
});

describe("the four flag names are written once (FLAG_NAMES)", () => {
  const keys = (shape: object) => Object.keys(shape);

  it("the Zod shapes are built from the list", () => {
    expect(keys(setFlagsInput.shape)).toEqual(["userId", ...FLAG_NAMES, "password", "code"]);
    expect(keys(userFlagsOutput.shape)).toEqual(["userId", ...FLAG_NAMES]);
    expect(keys(infoOutput.shape)).toEqual(["userId", "name", ...FLAG_NAMES]);
    expect(keys(listedUser.shape)).toEqual(expect.arrayContaining([...FLAG_NAMES]));
    expect(keys(listUsersInput.parse({ flags: byFlag(() => true) }).flags ?? {})).toEqual([...FLAG_NAMES]);
    // A person's own roles: the flags that give one (not reportSpammer).
    expect(keys(flagsSchema.shape)).toEqual([...ROLE_FLAGS]);
    expect(keys(meOutput.shape)).toEqual(expect.arrayContaining([...ROLE_FLAGS]));
    expect(keys(meOutput.shape)).not.toContain("reportSpammer");
    expect(keys(permissionsOutput.shape.can.shape)).toEqual([...CAPABILITIES]);
  });

  it("the database field list is built from the list", () => {
    expect(keys(flagsSelect)).toEqual(["id", "name", ...FLAG_NAMES]);
  });

  it("seed 002's fields are the flags in snake case, mapped both ways", () => {
    const seedFields = ["teacher", "admin", "privileged_student", "report_spammer"];
    expect(keys(infoFlagsShape)).toEqual(seedFields);
    expect(keys(updateFlagsShape)).toEqual(seedFields);
    expect(toInfoFlags({ teacher: false, admin: true, privilegedStudent: true, reportSpammer: true })).toEqual({
      teacher: false,
      admin: true,
      privileged_student: true,
      report_spammer: 1,
    });
    expect(fromUpdateFlags({ privileged_student: true, report_spammer: null })).toEqual({
      teacher: undefined,
      admin: undefined,
      privilegedStudent: true,
      reportSpammer: null,
    });
  });
});

describe("canSetFlag(actor, target, flag, value)", () => {
  const actor = (id: string, role: "student" | "teacher" | "admin"): Actor => ({
    id,
    teacher: role === "teacher",
    admin: role === "admin",
    privilegedStudent: false,
  });
  const teacher = actor("t", "teacher");
  const admin = actor("a", "admin");
  const student = actor("s", "student");
  /** The example a rule on the value is made for: one entry, beside the table. */
  const teachersMaySetButNotUnset: FlagRule = {
    appCode: "NOT_PERMITTED",
    refuses: ({ actor, flag, value }) => flag === "privilegedStudent" && roleOf(actor) === "teacher" && !value,
    says: "Teachers can give this but not take it away",
    doc: "Teachers may set but not unset `privilegedStudent`.",
  };

  it("today a teacher may set and unset a student's privilegedStudent (docs/permissions.md)", () => {
    expect(canSetFlag(teacher, student, "privilegedStudent", true)).toEqual({ allowed: true });
    expect(canSetFlag(teacher, student, "privilegedStudent", false)).toEqual({ allowed: true });
  });

  it("a rule may depend on the value asked for: teachers may set but not unset privileged student", () => {
    const rules = [...FLAG_RULES, teachersMaySetButNotUnset];
    expect(canSetFlag(teacher, student, "privilegedStudent", true, rules)).toEqual({ allowed: true });
    expect(canSetFlag(teacher, student, "privilegedStudent", false, rules)).toEqual({
      allowed: false,
      appCode: "NOT_PERMITTED",
      reason: "Teachers can give this but not take it away",
    });
    expect(canSetFlag(admin, student, "privilegedStudent", false, rules)).toEqual({ allowed: true });
    expect(canSetFlag(teacher, student, "reportSpammer", false, rules)).toEqual({ allowed: true });
  });

  it("nobody may change their own reportSpammer, whatever the value and the role: the rule comes before the table", () => {
    for (const who of [student, teacher, admin]) {
      for (const value of [true, false]) {
        expect(canSetFlag(who, who, "reportSpammer", value)).toMatchObject({ allowed: false, appCode: "SELF_REPORT_SPAMMER" });
      }
    }
  });

  it("says why a control is disabled, from the table and the rules", () => {
    expect(flagDecisionReason(teacher, admin, "privilegedStudent", true)).toBe("Teachers can change this only for students");
    expect(flagDecisionReason(teacher, student, "teacher", true)).toBe("Only admins can change this");
    expect(flagDecisionReason(student, teacher, "reportSpammer", true)).toBe("Only teachers and admins can change this");
    expect(flagDecisionReason(admin, admin, "reportSpammer", false)).toBe("Nobody can change their own report-spammer flag");
    expect(flagDecisionReason(admin, student, "teacher", true)).toBeNull();
  });
});

describe("the table's helpers", () => {
  const flags = (set: Partial<Actor>): Actor => ({ id: "u", teacher: false, admin: false, privilegedStudent: false, ...set });

  it("a role is the strongest of the flags that give one, else student", () => {
    expect(roleOf(flags({}))).toBe("student");
    expect(roleOf(flags({ privilegedStudent: true }))).toBe("privilegedStudent");
    expect(roleOf(flags({ privilegedStudent: true, teacher: true }))).toBe("teacher");
    expect(roleOf(flags({ teacher: true, admin: true }))).toBe("admin");
    expect(roleOf(flags({ admin: true }))).toBe("admin");
  });

  it("roles in words: nobody, one, two, or a list ending with 'and'", () => {
    expect(rolesInWords([])).toBe("nobody");
    expect(rolesInWords(["admin"])).toBe("admins");
    expect(rolesInWords(["teacher", "admin"])).toBe("teachers and admins");
    expect(rolesInWords(["privilegedStudent", "teacher", "admin"])).toBe("privileged students, teachers and admins");
  });

  it("an actor is only what the checks read: the id and the role flags", () => {
    const user = { ...flags({ teacher: true }), name: "Pat", reportSpammer: true, email: "pat@school.example" };
    expect(actorOf(user)).toEqual({ id: "u", teacher: true, admin: false, privilegedStudent: false });
  });
});

describe("the pages ask the table", () => {
  const person = (flags: Partial<Actor>) => pageUser(flags);
  const summary = (flags: Partial<Actor>) =>
    textOf(createElement(AccountSummary, { user: person(flags), sessionTtlSeconds: 3600, loggingOut: false, onLogOut: () => undefined }));

  it("the account page links to the dashboard exactly for the roles that may view users", () => {
    expect(rolesThatMay("viewUsers")).toEqual(["teacher", "admin"]);
    expect(summary({ teacher: true })).toContain("Admin dashboard");
    expect(summary({ admin: true })).toContain("Admin dashboard");
    expect(summary({ privilegedStudent: true })).not.toContain("Admin dashboard");
    expect(summary({})).not.toContain("Admin dashboard");
  });

  it("the 403 page names the roles the table lets in", () => {
    expect(textOf(createElement(Forbidden))).toContain(`The admin dashboard is for ${rolesInWords(rolesThatMay("viewUsers"))}.`);
    expect(rolesInWords(rolesThatMay("viewUsers"))).toBe("teachers and admins");
  });

  it("the dashboard names the viewer's role as the table ranks it", () => {
    const dashboard = (flags: Partial<Actor>) =>
      textOf(createElement(AdminDashboard, { viewer: { ...person(flags), name: "Pat" }, tokenLimits: TEACHER_TOKEN_LIMITS }));
    expect(dashboard({ teacher: true })).toContain("Signed in as Pat · Teacher");
    expect(dashboard({ teacher: true, admin: true })).toContain("Signed in as Pat · Admin");
    expect(dashboard({ teacher: true })).not.toContain("Teacher tokens");
    expect(dashboard({ admin: true })).toContain("Teacher tokens");
  });
});
