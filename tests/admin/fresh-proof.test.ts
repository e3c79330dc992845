// An admin's most lasting changes to others (granting admin, deleting an
// account, resetting its second factors) need a proof no older than 10
// minutes: the password or a code in the request, or a session that gave one
// that recently. A stolen two-step admin session could otherwise make its
// thief's own account an admin for good, or erase and strip the others.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SECOND_FACTOR } from "@/shared/policy";
import { PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { snapshot } from "../support/roles";
import { ageSession, insertPasskey, resetClock, secondFactorState, userWithTotp } from "../support/second-factors";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterEach(resetClock);
afterAll(() => app.close());

const STALE_MS = SECOND_FACTOR.reauthenticationSeconds * 1000 + 60_000;

/** An admin with an authenticator app, logged in with both steps: the session proved its user just now. */
async function twoStepAdmin() {
  const { user, token, authenticator } = await userWithTotp(app, { admin: true });
  return { admin: user, token, authenticator, as: app.caller({ token }) };
}

/** Everything a refused call must leave as it was: users, flags, sessions, audit; and the second factors of these users. */
async function untouched(...userIds: string[]) {
  return { all: await snapshot(app), factors: await Promise.all(userIds.map((id) => secondFactorState(app, id))) };
}

describe("admin.setFlags granting admin", () => {
  it("from a session whose proof is over 10 minutes old: REAUTHENTICATION_REQUIRED, nothing changes; with the password it is granted", async () => {
    const { token, as } = await twoStepAdmin();
    const target = await seedUser(app);
    await ageSession(app, token, STALE_MS);
    const before = await untouched(target.id);
    const refused = await expectAppError(as.admin.setFlags({ userId: target.id, admin: true }), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    expect(refused.message).toBe("Enter your password (or a code from your authenticator app) to give someone admin rights.");
    // Granting admin among other flags: all or nothing.
    await expectAppError(as.admin.setFlags({ userId: target.id, admin: true, teacher: true }), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    await expectAppError(
      as.admin.setFlags({ userId: target.id, admin: true, password: "not the password at all" }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
    expect(await untouched(target.id)).toEqual(before);

    expect(await as.admin.setFlags({ userId: target.id, admin: true, password: PASSWORD })).toMatchObject({ admin: true });
    // The proof restarted the 10 minutes: the next grant needs none.
    const second = await seedUser(app);
    expect(await as.admin.setFlags({ userId: second.id, admin: true })).toMatchObject({ admin: true });
  });

  it("a current app code is proof too; other flag changes and demotions never need one", async () => {
    const { token, as, authenticator } = await twoStepAdmin();
    const target = await seedUser(app);
    const other = await seedUser(app, { admin: true });
    await ageSession(app, token, STALE_MS);
    expect(await as.admin.setFlags({ userId: target.id, teacher: true, privilegedStudent: true })).toMatchObject({ teacher: true });
    expect(await as.admin.setFlags({ userId: other.id, admin: false })).toMatchObject({ admin: false });
    // Restating a flag the user already has grants nothing.
    await app.db.user.update({ where: { id: other.id }, data: { admin: true } });
    expect(await as.admin.setFlags({ userId: other.id, admin: true })).toMatchObject({ admin: true });
    await expectAppError(
      as.admin.setFlags({ userId: target.id, admin: true, code: authenticator.wrong() }),
      "FORBIDDEN",
      "SECOND_FACTOR_INVALID",
    );
    expect(await as.admin.setFlags({ userId: target.id, admin: true, code: authenticator.next() })).toMatchObject({ admin: true });
  });

  it("a session proved within 10 minutes grants without a proof in the request", async () => {
    const { token, as } = await twoStepAdmin();
    const target = await seedUser(app);
    await ageSession(app, token, SECOND_FACTOR.reauthenticationSeconds * 1000 - 60_000);
    expect(await as.admin.setFlags({ userId: target.id, admin: true })).toMatchObject({ admin: true });
  });

  it("seed 002's /user/update asks the same: a stale session cannot grant admin there either", async () => {
    const { token } = await twoStepAdmin();
    const target = await seedUser(app);
    await ageSession(app, token, STALE_MS);
    const base = await app.httpUrl();
    const update = (body: Record<string, unknown>) =>
      fetch(`${base}/user/update`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ session: token, user: target.id, teacher: null, privileged_student: null, report_spammer: null, ...body }),
      });
    const refused = await update({ admin: true });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "REAUTHENTICATION_REQUIRED" });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: target.id } })).admin).toBe(false);
    // Other flags still change from that session.
    expect((await update({ admin: null, teacher: true })).status).toBe(200);
    expect((await app.db.user.findUniqueOrThrow({ where: { id: target.id } })).teacher).toBe(true);
  });
});

describe("admin.deleteUser and admin.resetSecondFactors", () => {
  it("deleting an account from a stale session: REAUTHENTICATION_REQUIRED, the account stays; with the password it goes", async () => {
    const { token, as } = await twoStepAdmin();
    const target = await seedUser(app);
    const bystander = await seedUser(app);
    await ageSession(app, token, STALE_MS);
    const before = await untouched(target.id);
    const refused = await expectAppError(as.admin.deleteUser({ userId: target.id }), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    expect(refused.message).toBe("Enter your password (or a code from your authenticator app) to delete this account.");
    await expectAppError(as.admin.deleteUser({ userId: target.id, password: "not the password at all" }), "FORBIDDEN", "WRONG_PASSWORD");
    expect(await untouched(target.id)).toEqual(before);
    expect(await as.admin.deleteUser({ userId: target.id, password: PASSWORD })).toEqual({ ok: true });
    expect(await app.db.user.findUnique({ where: { id: target.id } })).toBeNull();
    expect(await app.db.user.findUnique({ where: { id: bystander.id } })).not.toBeNull();
  });

  it("resetting someone's second factors from a stale session: REAUTHENTICATION_REQUIRED, their factors stay; with a code they go", async () => {
    const { token, as, authenticator } = await twoStepAdmin();
    const target = await seedUser(app);
    const bystander = await seedUser(app);
    await insertPasskey(app, target.id);
    await insertPasskey(app, bystander.id);
    await ageSession(app, token, STALE_MS);
    const before = await untouched(target.id, bystander.id);
    const refused = await expectAppError(as.admin.resetSecondFactors({ userId: target.id }), "FORBIDDEN", "REAUTHENTICATION_REQUIRED");
    expect(refused.message).toBe("Enter your password (or a code from your authenticator app) to reset this user's two-step verification.");
    expect(await untouched(target.id, bystander.id)).toEqual(before);
    expect(await as.admin.resetSecondFactors({ userId: target.id, code: authenticator.next() })).toEqual({ ok: true });
    expect(await secondFactorState(app, target.id)).toMatchObject({ mark: false, passkeys: [] });
    expect(await secondFactorState(app, bystander.id)).toEqual(before.factors[1]);
  });

  it("whoever may not delete or reset at all is told NOT_PERMITTED before any proof is asked for", async () => {
    const { token } = await userWithTotp(app, { teacher: true });
    const target = await seedUser(app);
    await ageSession(app, token, STALE_MS);
    const as = app.caller({ token });
    await expectAppError(as.admin.deleteUser({ userId: target.id }), "FORBIDDEN", "NOT_PERMITTED");
    await expectAppError(as.admin.resetSecondFactors({ userId: target.id }), "FORBIDDEN", "NOT_PERMITTED");
    expect(await app.db.user.findUnique({ where: { id: target.id } })).not.toBeNull();
  });
});
