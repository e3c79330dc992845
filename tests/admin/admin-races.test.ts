// Concurrency: rules that depend on other rows hold under parallel requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import type { RequestMeta } from "@/server/request-meta";
import { resetSecondFactors } from "@/server/services/second-factor-reset";
import { validateSession } from "@/server/services/sessions";
import { createTeacherToken, issueTeacherToken, revokeTeacherToken } from "@/server/services/teacher-tokens";
import { revokeUserSessions } from "@/server/services/user-admin";
import { logInAs, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { insertPasskey, secondFactorState } from "../support/second-factors";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("the last admin", () => {
  it("two admins demoting each other at the same time never leave zero admins", async () => {
    for (let round = 0; round < 5; round++) {
      await app.db.user.updateMany({ where: { admin: true }, data: { admin: false } });
      const a = await seedUser(app, { admin: true });
      const b = await seedUser(app, { admin: true });
      const [ta, tb] = [await logInAs(app, a.email), await logInAs(app, b.email)];
      const results = await Promise.allSettled([
        app.caller({ token: ta }).admin.setFlags({ userId: b.id, admin: false }),
        app.caller({ token: tb }).admin.setFlags({ userId: a.id, admin: false }),
      ]);
      expect(await app.db.user.count({ where: { admin: true } })).toBe(1);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(["NOT_PERMITTED", "LAST_ADMIN"]).toContain(refused.reason.appCode);
    }
  });

  it("an admin cannot demote themselves when alone: LAST_ADMIN", async () => {
    await app.db.user.updateMany({ where: { admin: true }, data: { admin: false } });
    const a = await seedUser(app, { admin: true });
    const token = await logInAs(app, a.email);
    await expect(app.caller({ token }).admin.setFlags({ admin: false })).rejects.toMatchObject({ appCode: "LAST_ADMIN" });
    // Only giving up admin is refused: the last admin changes their other flags, or sets admin again, as anyone may.
    expect(await app.caller({ token }).admin.setFlags({ teacher: true, admin: true })).toMatchObject({ teacher: true, admin: true });
    // Deleting oneself is refused earlier, by its own rule (user.delete is the way).
    await expect(app.caller({ token }).admin.deleteUser({ userId: a.id })).rejects.toMatchObject({ appCode: "SELF_DELETE" });
    expect(await app.db.user.count({ where: { admin: true } })).toBe(1);
  });

  it("two admins deleting each other at the same time never leave zero admins", async () => {
    await app.db.user.updateMany({ where: { admin: true }, data: { admin: false } });
    const a = await seedUser(app, { admin: true });
    const b = await seedUser(app, { admin: true });
    const [ta, tb] = [await logInAs(app, a.email), await logInAs(app, b.email)];
    await Promise.allSettled([
      app.caller({ token: ta }).admin.deleteUser({ userId: b.id }),
      app.caller({ token: tb }).admin.deleteUser({ userId: a.id }),
    ]);
    expect(await app.db.user.count({ where: { admin: true } })).toBe(1);
  });
});

// A request checks its caller's flags when it starts; a change it makes reads
// them again inside its transaction, so an admin demoted while the request ran
// cannot finish it. The services are called with the flags the request started
// with (as the router hands them over), after the demotion has committed.
describe("an admin demoted while their request runs", () => {
  const META: RequestMeta = { ip: "203.0.113.40", userAgent: null, deviceCookie: null };

  async function demotedAdmin() {
    const admin = await seedUser(app, { admin: true });
    const token = await logInAs(app, admin.email);
    const session = await validateSession(app.services, token);
    // Another admin demotes them: the request already holds the old flags.
    await app.db.user.update({ where: { id: admin.id }, data: { admin: false } });
    return { ...session, aal: "aal2" as const };
  }

  async function auditCount() {
    return app.db.auditEntry.count();
  }

  it("cannot end another user's sessions: NOT_PERMITTED, the sessions stay, nothing audited", async () => {
    const session = await demotedAdmin();
    const target = await seedUser(app);
    const targetToken = await logInAs(app, target.email);
    const audits = await auditCount();
    await expectAppError(revokeUserSessions(app.services, session.user, target.id, META), "FORBIDDEN", "NOT_PERMITTED");
    expect(await app.caller({ token: targetToken }).session.validate()).toMatchObject({ userId: target.id });
    expect(await auditCount()).toBe(audits);
  });

  it("cannot reset another user's second factors: NOT_PERMITTED, the factors stay", async () => {
    const session = await demotedAdmin();
    const target = await seedUser(app);
    await insertPasskey(app, target.id);
    const before = await secondFactorState(app, target.id);
    const audits = await auditCount();
    await expectAppError(resetSecondFactors(app.services, session, target.id, {}, META), "FORBIDDEN", "NOT_PERMITTED");
    expect(await secondFactorState(app, target.id)).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it("cannot make or revoke a teacher token: NOT_PERMITTED, no token made, the token stays usable", async () => {
    const session = await demotedAdmin();
    const { token } = await createTeacherToken(app.db, { maxUses: 1 });
    const { id } = await app.db.teacherToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { id: true } });
    const tokens = await app.db.teacherToken.count();
    const audits = await auditCount();
    await expectAppError(issueTeacherToken(app.services, session.user, { maxUses: 3 }), "FORBIDDEN", "NOT_PERMITTED");
    await expectAppError(revokeTeacherToken(app.services, session.user, id), "FORBIDDEN", "NOT_PERMITTED");
    expect(await app.db.teacherToken.count()).toBe(tokens);
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
    expect(await auditCount()).toBe(audits);
  });
});
