import argon2 from "argon2";
import os from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ARGON2_OPTIONS, hashPassword, hashSlots, needsRehash, verifyPassword } from "@/server/auth/password";
import { createTestApp, type TestApp } from "./support/test-app";
import { freshEmail, logInAs, PASSWORD, seedUser } from "./support/accounts";

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

describe("argon2 work", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an unknown address costs one argon2 verification, as a wrong password does", async () => {
    // No account enumeration by timing: both answers spend one verification.
    await verifyPassword(await hashPassword("warm the dummy hash up"), "x"); // not counted below
    const verify = vi.spyOn(argon2, "verify");
    const known = await seedUser(app);
    for (const email of [known.email, freshEmail("nobody")]) {
      verify.mockClear();
      await expect(app.caller().session.create({ email, password: "a wrong password here" })).rejects.toThrow();
      expect(verify).toHaveBeenCalledTimes(1);
    }
  });

  it("runs at most one hash per core plus one at a time, and keeps a thread of libuv's pool free", async () => {
    let running = 0;
    let most = 0;
    const original = argon2.verify.bind(argon2);
    vi.spyOn(argon2, "verify").mockImplementation(async (...args: Parameters<typeof argon2.verify>) => {
      most = Math.max(most, ++running);
      try {
        return await original(...args);
      } finally {
        running--;
      }
    });
    const hash = await hashPassword(PASSWORD);
    const results = await Promise.all(Array.from({ length: os.availableParallelism() * 3 }, () => verifyPassword(hash, PASSWORD)));
    expect(results.every(Boolean)).toBe(true);
    expect(most).toBe(hashSlots());
    expect(hashSlots(2, 4)).toBe(3);
    expect(hashSlots(8, 4)).toBe(3);
    expect(hashSlots(8, 10)).toBe(9);
    expect(hashSlots(1, 1)).toBe(1);
  });
});

