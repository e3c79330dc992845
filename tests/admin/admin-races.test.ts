// Concurrency: rules that depend on other rows hold under parallel requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logInAs, seedUser } from "../support/accounts";
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
