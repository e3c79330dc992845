// MFA_REQUIRED_FOR: who needs two factors in their session to act on other
// people's accounts, procedure by procedure; the admin's reset of a user's
// second factors; and how the setting is parsed.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/env";
import { appRouter } from "@/server/api/root";
import { actingOnOthersProcedure } from "@/server/api/trpc";
import { createTeacherToken } from "@/server/services/teacher-tokens";
import type { AppCode } from "@/shared/app-codes";
import { PASSWORD, seedUser, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { snapshot } from "../support/roles";
import { enrolTotp, insertPasskey, logInWithTotp, resetClock, secondFactorState, userWithTotp } from "../support/second-factors";
import { createTestApp, type TestApp } from "../support/test-app";

afterEach(resetClock);

type Procedures = Record<string, { _def: { type: string; middlewares: unknown[] } }>;
const procedures = appRouter._def.procedures as unknown as Procedures;
/** Every admin procedure, read from the router: one added later is walked too. */
const ADMIN_PROCEDURES = Object.keys(procedures)
  .filter((path) => path.startsWith("admin."))
  .map((path) => path.slice("admin.".length));

type AnyCaller = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;

/** Calls a procedure by its path on a caller. */
function call(app: TestApp, token: string, path: string, input?: unknown): Promise<unknown> {
  const [router, name] = path.split(".") as [string, string];
  return (app.caller({ token }) as unknown as AnyCaller)[router]![name]!(input);
}

/** The outcome of a call: "ok" or its appCode. */
async function outcome(run: Promise<unknown>): Promise<"ok" | AppCode> {
  return run.then(
    () => "ok" as const,
    (e: { appCode?: AppCode }) => e.appCode ?? ("INTERNAL_ERROR" as AppCode),
  );
}

/** What a refused call must leave as it was: the usual snapshot, and everyone's second factors. */
async function everything(app: TestApp) {
  await app.services.securityEvents.flush();
  const users = await app.db.user.findMany({ orderBy: { id: "asc" }, select: { id: true } });
  const factors = await Promise.all(users.map((u) => secondFactorState(app, u.id)));
  const [challenges, events] = await Promise.all([
    app.db.authChallenge.count(),
    app.db.securityEvent.count({ where: { type: { not: "authorization.refused" } } }),
  ]);
  return { ...(await snapshot(app)), factors, challenges, events };
}

it("every admin procedure goes through the policy's middleware (and nothing outside admin.* does)", () => {
  const policy = (actingOnOthersProcedure as unknown as { _def: { middlewares: unknown[] } })._def.middlewares.at(-1);
  const guarded = Object.keys(procedures).filter((path) => procedures[path]!._def.middlewares.includes(policy));
  expect(guarded.sort()).toEqual(ADMIN_PROCEDURES.map((name) => `admin.${name}`).sort());
  expect(ADMIN_PROCEDURES.length).toBeGreaterThanOrEqual(10);
});

describe('MFA_REQUIRED_FOR "admin"', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { MFA_REQUIRED_FOR: "admin" } });
  });
  afterAll(() => app.close());

  /** A valid input per admin procedure (by default the target user), so that only the policy can refuse. */
  async function inputs(targetId: string): Promise<Record<string, unknown>> {
    const { id: teacherTokenId } = await createTeacherToken(app.db, {});
    return {
      setFlags: { userId: targetId, privilegedStudent: true },
      listUsers: {},
      createTeacherToken: {},
      listTeacherTokens: undefined,
      revokeTeacherToken: { id: teacherTokenId },
      auditLog: {},
    };
  }

  it("an aal1 admin is refused SECOND_FACTOR_REQUIRED by every admin procedure, and nothing changes", async () => {
    const { token } = await signedIn(app, { admin: true });
    const target = await userWithTotp(app);
    await insertPasskey(app, target.user.id);
    const given = await inputs(target.user.id);
    const before = await everything(app);
    const outcomes: Record<string, string> = {};
    for (const name of ADMIN_PROCEDURES) {
      const input = name in given ? given[name] : { userId: target.user.id };
      outcomes[name] = await outcome(call(app, token, `admin.${name}`, input));
    }
    expect(outcomes).toEqual(Object.fromEntries(ADMIN_PROCEDURES.map((name) => [name, "SECOND_FACTOR_REQUIRED"])));
    await expectAppError(app.caller({ token }).admin.listUsers({}), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    expect(await everything(app)).toEqual(before);
  });

  it("… and by user.info about another user, but may use their own account and set up an app", async () => {
    const { user, token } = await signedIn(app, { admin: true });
    const other = await seedUser(app);
    const as = app.caller({ token });
    await expectAppError(as.user.info({ userId: other.id }), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    expect(await as.user.info({ userId: user.id })).toMatchObject({ userId: user.id, admin: true });
    expect(await as.user.info({})).toMatchObject({ userId: user.id });
    expect(await as.user.get()).toMatchObject({ id: user.id, admin: true });
    expect(await as.user.secondFactors()).toMatchObject({ totp: { enabled: false } });
    expect(await as.user.permissions()).toMatchObject({ admin: true });
    expect(await as.session.validate()).toMatchObject({ aal: "aal1" });

    // Setting up the app raises this very session: it may now act on others.
    await enrolTotp(app, token);
    expect(await as.session.validate()).toMatchObject({ aal: "aal2", method: "totp" });
    expect((await as.admin.listUsers({})).items.length).toBeGreaterThan(0);
    expect(await as.user.info({ userId: other.id })).toMatchObject({ userId: other.id });
  });

  it("… and by seed 002's /user/info and /user/update about another user; about themselves they work", async () => {
    const { user, token } = await signedIn(app, { admin: true });
    const other = await seedUser(app);
    const base = await app.httpUrl();
    const post = async (method: string, path: string, body: object) => {
      const res = await fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const before = await everything(app);
    const info = await post("POST", "/user/info", { session: token, user: other.id });
    expect({ status: info.status, error: info.body.error }).toEqual({ status: 403, error: "SECOND_FACTOR_REQUIRED" });
    const update = await post("PUT", "/user/update", { session: token, user: other.id, teacher: true });
    expect({ status: update.status, error: update.body.error }).toEqual({ status: 403, error: "SECOND_FACTOR_REQUIRED" });
    expect(await everything(app)).toEqual(before);
    expect(await post("POST", "/user/info", { session: token, user: null })).toMatchObject({ status: 200, body: { admin: true } });
    expect(await post("POST", "/user/info", { session: token, user: user.id })).toMatchObject({ status: 200 });
  });

  it("an admin who logs in with both steps may act on others at once", async () => {
    const { user, authenticator } = await userWithTotp(app, { admin: true });
    const token = await logInWithTotp(app, user.email, authenticator);
    expect((await app.caller({ token }).admin.listUsers({})).items.length).toBeGreaterThan(0);
  });

  it("a teacher is not required: user.info about a student and admin.listUsers work with one factor", async () => {
    const { token } = await signedIn(app, { teacher: true });
    const student = await seedUser(app);
    const as = app.caller({ token });
    expect(await as.user.info({ userId: student.id })).toMatchObject({ userId: student.id });
    expect((await as.admin.listUsers({})).items.length).toBeGreaterThan(0);
    expect(await as.admin.setFlags({ userId: student.id, privilegedStudent: true })).toMatchObject({ privilegedStudent: true });
  });
});

describe('MFA_REQUIRED_FOR "admin,teacher"', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { MFA_REQUIRED_FOR: "admin,teacher" } });
  });
  afterAll(() => app.close());

  it("an aal1 teacher is refused SECOND_FACTOR_REQUIRED, and nothing changes; after enrolment the session works", async () => {
    const { token } = await signedIn(app, { teacher: true });
    const student = await seedUser(app);
    const as = app.caller({ token });
    const before = await everything(app);
    await expectAppError(as.user.info({ userId: student.id }), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    await expectAppError(as.admin.listUsers({}), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    await expectAppError(as.admin.setFlags({ userId: student.id, privilegedStudent: true }), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    expect(await everything(app)).toEqual(before);
    await enrolTotp(app, token);
    expect(await as.admin.setFlags({ userId: student.id, privilegedStudent: true })).toMatchObject({ privilegedStudent: true });
  });

  it("an aal1 admin is refused too; a student is refused for their role, not for a second factor", async () => {
    const admin = await signedIn(app, { admin: true });
    const student = await signedIn(app);
    const privileged = await signedIn(app, { privilegedStudent: true });
    await expectAppError(app.caller({ token: admin.token }).admin.listUsers({}), "FORBIDDEN", "SECOND_FACTOR_REQUIRED");
    await expectAppError(app.caller({ token: student.token }).admin.listUsers({}), "FORBIDDEN", "NOT_PERMITTED");
    await expectAppError(app.caller({ token: privileged.token }).admin.listUsers({}), "FORBIDDEN", "NOT_PERMITTED");
    await expectAppError(app.caller({ token: student.token }).user.info({ userId: admin.user.id }), "FORBIDDEN", "NOT_PERMITTED");
    expect(await app.caller({ token: student.token }).user.info({})).toMatchObject({ userId: student.user.id });
  });
});

describe('MFA_REQUIRED_FOR "" (the tests\' default): nobody is required', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { MFA_REQUIRED_FOR: "" } });
  });
  afterAll(() => app.close());

  it("aal1 admins and teachers act on others", async () => {
    const admin = await signedIn(app, { admin: true });
    const teacher = await signedIn(app, { teacher: true });
    const student = await seedUser(app);
    expect(app.config.MFA_REQUIRED_FOR).toEqual([]);
    expect((await app.caller({ token: admin.token }).admin.listUsers({})).items.length).toBeGreaterThan(0);
    expect(await app.caller({ token: admin.token }).admin.listTeacherTokens()).toMatchObject({ items: [] });
    expect(await app.caller({ token: admin.token }).user.info({ userId: student.id })).toMatchObject({ userId: student.id });
    expect(await app.caller({ token: teacher.token }).user.info({ userId: student.id })).toMatchObject({ userId: student.id });
    expect((await app.caller({ token: teacher.token }).admin.listUsers({})).items.length).toBeGreaterThan(0);
  });
});

describe("admin.resetSecondFactors", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { MFA_REQUIRED_FOR: "" } });
  });
  afterAll(() => app.close());

  /** A user with every kind of second factor: an app, recovery codes and a passkey. */
  async function fullyEnrolled() {
    const enrolled = await userWithTotp(app);
    await insertPasskey(app, enrolled.user.id);
    return enrolled;
  }

  it("is refused to non-admins (NOT_PERMITTED), even with two factors; nothing changes", async () => {
    const target = await fullyEnrolled();
    const student = await signedIn(app);
    const teacher = await userWithTotp(app, { teacher: true });
    const privileged = await signedIn(app, { privilegedStudent: true });
    const before = await everything(app);
    for (const token of [student.token, teacher.token, privileged.token]) {
      await expectAppError(app.caller({ token }).admin.resetSecondFactors({ userId: target.user.id }), "FORBIDDEN", "NOT_PERMITTED");
    }
    await expectAppError(app.caller().admin.resetSecondFactors({ userId: target.user.id }), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await everything(app)).toEqual(before);
  });

  it("is refused from an aal1 admin session with SECOND_FACTOR_REQUIRED, whatever MFA_REQUIRED_FOR says; nothing changes", async () => {
    const target = await fullyEnrolled();
    const admin = await signedIn(app, { admin: true });
    const before = await everything(app);
    await expectAppError(
      app.caller({ token: admin.token }).admin.resetSecondFactors({ userId: target.user.id }),
      "FORBIDDEN",
      "SECOND_FACTOR_REQUIRED",
    );
    expect(await everything(app)).toEqual(before);
    // The same admin's other admin procedures work under "".
    expect((await app.caller({ token: admin.token }).admin.listUsers({})).items.length).toBeGreaterThan(0);
  });

  // Turning one's own app off asks for the password and a code: a stolen admin
  // session whose proof is stale must not do it through the dashboard instead.
  it("refuses the admin's own id with SELF_SECOND_FACTORS_RESET; nothing changes", async () => {
    const admin = await signedIn(app, { admin: true });
    await enrolTotp(app, admin.token);
    await insertPasskey(app, admin.user.id);
    const before = await everything(app);
    await expectAppError(
      app.caller({ token: admin.token }).admin.resetSecondFactors({ userId: admin.user.id }),
      "FORBIDDEN",
      "SELF_SECOND_FACTORS_RESET",
    );
    expect(await everything(app)).toEqual(before);
    expect((await secondFactorState(app, admin.user.id)).mark).toBe(true);
  });

  it("from an aal2 admin: removes the target's app, recovery codes and passkeys, clears the mark, audits, mails; others keep theirs", async () => {
    const target = await fullyEnrolled();
    const other = await fullyEnrolled();
    const otherBefore = await secondFactorState(app, other.user.id);
    const admin = await signedIn(app, { admin: true });
    await enrolTotp(app, admin.token);
    const adminBefore = await secondFactorState(app, admin.user.id);
    const sessionsBefore = await app.db.session.count();

    expect(await app.caller({ token: admin.token }).admin.resetSecondFactors({ userId: target.user.id })).toEqual({ ok: true });

    expect(await secondFactorState(app, target.user.id)).toEqual({ mark: false, totp: null, recoveryCodes: [], passkeys: [] });
    expect(await secondFactorState(app, other.user.id)).toEqual(otherBefore);
    expect(await secondFactorState(app, admin.user.id)).toEqual(adminBefore);
    expect(await app.db.session.count()).toBe(sessionsBefore);

    const audit = await app.db.auditEntry.findMany({ where: { targetId: target.user.id } });
    expect(audit).toEqual([
      expect.objectContaining({ action: "resetSecondFactors", actorId: admin.user.id, targetLabel: target.user.email }),
    ]);
    await app.services.securityEvents.flush();
    expect(await app.db.securityEvent.findMany({ where: { userId: target.user.id, type: "second_factor.reset" } })).toEqual([
      expect.objectContaining({ actorId: admin.user.id }),
    ]);
    const mails = (await app.mailsTo(target.user.email)).filter((mail) => mail.kind === "second-factors-reset");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/two-step verification was reset/i);
    expect((await app.mailsTo(other.user.email)).filter((mail) => mail.kind === "second-factors-reset")).toEqual([]);

    // The password alone opens a session now; the other user still has two steps.
    const resHeaders = new Headers();
    expect(await app.caller({ resHeaders }).session.create({ email: target.user.email, password: PASSWORD })).toMatchObject({
      userId: target.user.id,
      aal: "aal1",
      method: "password",
    });
    expect(await app.caller().session.create({ email: other.user.email, password: PASSWORD })).toMatchObject({
      secondFactor: { methods: ["totp", "recovery", "passkey"] },
    });
  });

  it("an unknown user is USER_NOT_FOUND, and nothing changes", async () => {
    const admin = await signedIn(app, { admin: true });
    await enrolTotp(app, admin.token);
    const before = await everything(app);
    await expectAppError(
      app.caller({ token: admin.token }).admin.resetSecondFactors({ userId: "00000000-0000-4000-8000-000000000000" }),
      "NOT_FOUND",
      "USER_NOT_FOUND",
    );
    expect(await everything(app)).toEqual(before);
  });
});

describe("parsing MFA_REQUIRED_FOR", () => {
  it('defaults to ["admin"] when unset', () => {
    expect(parseConfig({}).MFA_REQUIRED_FOR).toEqual(["admin"]);
  });

  it("reads a comma-separated list of roles, spaces ignored", () => {
    expect(parseConfig({ MFA_REQUIRED_FOR: "admin,teacher" }).MFA_REQUIRED_FOR).toEqual(["admin", "teacher"]);
    expect(parseConfig({ MFA_REQUIRED_FOR: " teacher , admin " }).MFA_REQUIRED_FOR).toEqual(["teacher", "admin"]);
    expect(parseConfig({ MFA_REQUIRED_FOR: "teacher" }).MFA_REQUIRED_FOR).toEqual(["teacher"]);
  });

  it('takes "" as nobody', () => {
    expect(parseConfig({ MFA_REQUIRED_FOR: "" }).MFA_REQUIRED_FOR).toEqual([]);
  });

  it.each(["root", "admin,root", "Admin", "student"])("refuses %j with a ConfigError naming the variable", (value) => {
    expect(() => parseConfig({ MFA_REQUIRED_FOR: value })).toThrow(ConfigError);
    expect(() => parseConfig({ MFA_REQUIRED_FOR: value })).toThrow(/\bMFA_REQUIRED_FOR\b/);
  });
});
