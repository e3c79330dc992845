import argon2 from "argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARGON2_OPTIONS, needsRehash, verifyPassword } from "@/server/auth/password";
import { createTestApp, type TestApp } from "./support/test-app";
import { freshEmail, logInAs, PASSWORD } from "./support/accounts";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("password hashing", () => {
  it("uses argon2id with at least OWASP's minimum (19 MiB, 2 iterations, 1 lane)", () => {
    expect(ARGON2_OPTIONS.type).toBe(argon2.argon2id);
    expect(ARGON2_OPTIONS.memoryCost).toBeGreaterThanOrEqual(19456);
    expect(ARGON2_OPTIONS.timeCost).toBeGreaterThanOrEqual(2);
    expect(ARGON2_OPTIONS.parallelism).toBe(1);
  });

  it("rehashes a hash with older parameters on the next successful log-in", async () => {
    const email = freshEmail("old");
    const oldHash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    expect(needsRehash(oldHash)).toBe(true);
    await app.db.user.create({
      data: { name: "Old Hash", login: { create: { email, passwordHash: oldHash, emailVerifiedAt: new Date() } } },
    });
    await logInAs(app, email);
    const stored = (await app.db.login.findUniqueOrThrow({ where: { email } })).passwordHash;
    expect(stored).not.toBe(oldHash);
    expect(stored).toContain(`m=${ARGON2_OPTIONS.memoryCost},`);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
  });

  it("leaves a current hash alone, and never rehashes on a wrong password", async () => {
    const email = freshEmail("cur");
    const oldHash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await app.db.user.create({ data: { name: "W", login: { create: { email, passwordHash: oldHash, emailVerifiedAt: new Date() } } } });
    await expect(app.caller().session.create({ email, password: "not the password" })).rejects.toMatchObject({ appCode: "INVALID_CREDENTIALS" });
    expect((await app.db.login.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(oldHash);
  });
});
