import fs from "node:fs";
import os from "node:os";
import { type Algorithm, hashSync, type Version } from "@node-rs/argon2";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { HASH_THREAD_NAME, HashPool } from "@/server/auth/hash-pool";
import { hugePagesWarning, readHugePagesSetting, TRANSPARENT_HUGE_PAGES } from "@/server/auth/huge-pages";
import { ARGON2_OPTIONS, ARGON2ID, hashPassword, hashPool, needsRehash, verifyPassword } from "@/server/auth/password";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

/** PASSWORD hashed by the C reference build (the `argon2` package) this service used before, with OWASP's minimum. */
const C_BUILD_HASH = "$argon2id$v=19$m=19456,p=1,t=2$JrNuj1l3TnA61T7m2A0t7Q$2nNQ5dliP2wW/dqIaXh8ds6OZbDThgND7bKXPCzvSDU";

/** Threads of this process named as hashing threads (null where /proc is not Linux's). */
function namedHashThreads(): number | null {
  if (!fs.existsSync("/proc/self/task")) return null;
  return fs.readdirSync("/proc/self/task").filter((tid) => {
    try {
      return fs.readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim() === HASH_THREAD_NAME;
    } catch {
      return false; // a thread that ended meanwhile
    }
  }).length;
}

const oldHash = (password: string) => hashSync(password, { algorithm: ARGON2ID, memoryCost: 8192, timeCost: 1, parallelism: 1 });

describe("password hashing", () => {
  it("uses argon2id with at least OWASP's minimum (19 MiB, 2 iterations, 1 lane)", async () => {
    expect(ARGON2_OPTIONS.memoryCost).toBeGreaterThanOrEqual(19456);
    expect(ARGON2_OPTIONS.timeCost).toBeGreaterThanOrEqual(2);
    expect(ARGON2_OPTIONS.parallelism).toBe(1);
    const hash = await hashPassword(PASSWORD);
    expect(hash).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_OPTIONS.memoryCost},t=${ARGON2_OPTIONS.timeCost},p=1\\$`));
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, `${PASSWORD}!`)).toBe(false);
  });

  it("a malformed stored hash is a wrong password, never an error", async () => {
    expect(await verifyPassword("not a hash", PASSWORD)).toBe(false);
    expect(await verifyPassword("$argon2id$v=19$m=19456,t=2,p=1$bm9wZQ$", PASSWORD)).toBe(false);
    expect(needsRehash("not a hash")).toBe(true);
  });

  it("counts a hash as old when any parameter, the version or the variant differs", async () => {
    const ours = { ...ARGON2_OPTIONS };
    expect(needsRehash(hashSync(PASSWORD, ours))).toBe(false);
    expect(needsRehash(hashSync(PASSWORD, { ...ours, memoryCost: ours.memoryCost - 1024 }))).toBe(true);
    expect(needsRehash(hashSync(PASSWORD, { ...ours, timeCost: ours.timeCost - 1 }))).toBe(true);
    expect(needsRehash(hashSync(PASSWORD, { ...ours, parallelism: 2 }))).toBe(true);
    expect(needsRehash(hashSync(PASSWORD, { ...ours, version: 0 as Version.V0x10 }))).toBe(true);
    expect(needsRehash(hashSync(PASSWORD, { ...ours, algorithm: 1 as Algorithm.Argon2i }))).toBe(true);
  });

  it("rehashes a hash with older parameters on the next successful log-in", async () => {
    const email = freshEmail("old");
    const stale = oldHash(PASSWORD);
    expect(needsRehash(stale)).toBe(true);
    const user = await app.db.user.create({
      data: { name: "Old Hash", login: { create: { email, passwordHash: stale, emailVerifiedAt: new Date() } } },
    });
    // Other users' hashes, old-format ones included, are not touched by this log-in.
    const neighbour = freshEmail("neighbour");
    await app.db.user.create({
      data: {
        name: "Neighbour",
        login: { create: { email: neighbour, passwordHash: oldHash("another password"), emailVerifiedAt: new Date() } },
      },
    });
    const othersBefore = await app.db.login.findMany({
      where: { email: { not: email } },
      select: { email: true, passwordHash: true },
      orderBy: { email: "asc" },
    });
    const run = vi.spyOn(hashPool, "run");
    try {
      await logInAs(app, email);
      // The new hash is queued as the client's own job, like its verification.
      const owners = run.mock.calls.map(([job, owner]) => [job.op, owner]);
      expect(owners).toEqual([
        ["verify", { client: "203.0.113.1", priority: false, priorityKey: user.id }],
        ["hash", { client: "203.0.113.1" }],
      ]);
    } finally {
      run.mockRestore();
    }
    expect(
      await app.db.login.findMany({
        where: { email: { not: email } },
        select: { email: true, passwordHash: true },
        orderBy: { email: "asc" },
      }),
    ).toEqual(othersBefore);
    const stored = (await app.db.login.findUniqueOrThrow({ where: { email } })).passwordHash;
    expect(stored).not.toBe(stale);
    expect(stored).toContain(`m=${ARGON2_OPTIONS.memoryCost},`);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
  });

  it("accepts hashes stored by the C build, and upgrades them at the next log-in", async () => {
    expect(await verifyPassword(C_BUILD_HASH, PASSWORD)).toBe(true);
    expect(await verifyPassword(C_BUILD_HASH, "not the password")).toBe(false);
    const email = freshEmail("cbuild");
    await app.db.user.create({
      data: { name: "C Build", login: { create: { email, passwordHash: C_BUILD_HASH, emailVerifiedAt: new Date() } } },
    });
    const current: { memoryCost: number; timeCost: number } = ARGON2_OPTIONS;
    expect(needsRehash(C_BUILD_HASH)).toBe(current.memoryCost !== 19456 || current.timeCost !== 2);
    await logInAs(app, email);
    const stored = (await app.db.login.findUniqueOrThrow({ where: { email } })).passwordHash;
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
  });

  it("leaves a current hash alone, and never rehashes on a wrong password", async () => {
    const email = freshEmail("cur");
    const stale = oldHash(PASSWORD);
    await app.db.user.create({ data: { name: "W", login: { create: { email, passwordHash: stale, emailVerifiedAt: new Date() } } } });
    await expect(app.caller().session.create({ email, password: "not the password" })).rejects.toMatchObject({
      appCode: "INVALID_CREDENTIALS",
    });
    expect((await app.db.login.findUniqueOrThrow({ where: { email } })).passwordHash).toBe(stale);
    const current = await seedUser(app);
    const before = (await app.db.login.findUniqueOrThrow({ where: { email: current.email } })).passwordHash;
    await logInAs(app, current.email);
    expect((await app.db.login.findUniqueOrThrow({ where: { email: current.email } })).passwordHash).toBe(before);
  });
});

describe("argon2 work", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an unknown address costs one argon2 verification, as a wrong password does", async () => {
    // No account enumeration by timing: both answers spend one verification.
    // The first unknown address makes the dummy hash once; not counted below.
    await expect(app.caller().session.create({ email: freshEmail("warm"), password: "a wrong password here" })).rejects.toThrow();
    const run = vi.spyOn(hashPool, "run");
    const known = await seedUser(app);
    for (const email of [known.email, freshEmail("nobody")]) {
      run.mockClear();
      await expect(app.caller().session.create({ email, password: "a wrong password here" })).rejects.toThrow();
      expect(run.mock.calls.map(([job]) => job.op)).toEqual(["verify"]);
    }
  });

  it("the server's warm-up makes the dummy hash, so the first unknown address costs one verification too", async () => {
    vi.resetModules(); // a fresh module: no dummy hash yet
    const fresh = await import("@/server/auth/password");
    try {
      const run = vi.spyOn(fresh.hashPool, "run");
      await fresh.warmUpPasswordHashing();
      expect(run.mock.calls.map(([job]) => job.op)).toEqual(["hash"]);
      run.mockClear();
      await fresh.verifyAgainstDummy("a wrong password here");
      expect(run.mock.calls.map(([job]) => job.op)).toEqual(["verify"]);
    } finally {
      await fresh.hashPool.close();
    }
  });

  it("a dummy hash that failed is made again, not kept failing every unknown address", async () => {
    vi.resetModules();
    const fresh = await import("@/server/auth/password");
    try {
      const run = vi.spyOn(fresh.hashPool, "run").mockRejectedValueOnce(new Error("a password-hashing thread stopped"));
      await expect(fresh.warmUpPasswordHashing()).rejects.toThrow(/thread stopped/);
      await fresh.warmUpPasswordHashing();
      expect(await fresh.verifyAgainstDummy("a wrong password here")).toBe(false);
      expect(run.mock.calls.map(([job]) => job.op)).toEqual(["hash", "hash", "verify"]);
    } finally {
      await fresh.hashPool.close();
    }
  });

  it("hashes on one thread per core, each holding at most one hash running and one waiting", async () => {
    const pool = new HashPool();
    try {
      const hash = await hashPassword(PASSWORD);
      const named = namedHashThreads();
      const results = await Promise.all(
        Array.from({ length: os.availableParallelism() * 4 }, () => pool.run<boolean>({ op: "verify", hash, password: PASSWORD })),
      );
      expect(results.every(Boolean)).toBe(true);
      expect(pool.threadCount).toBe(os.availableParallelism());
      expect(pool.peakJobsPerThread).toBe(2);
      // Each names itself, for `top -H` and the benchmark's CPU accounting.
      if (named !== null) expect(namedHashThreads()! - named).toBe(os.availableParallelism());
    } finally {
      await pool.close();
    }
  });

  it("a hashing thread that stops mid-log-in is a server error, never a wrong password", async () => {
    const user = await seedUser(app);
    const run = vi.spyOn(hashPool, "run");
    const attempt = app.caller().session.create({ email: user.email, password: PASSWORD });
    await vi.waitFor(() => expect(run).toHaveBeenCalled(), { interval: 1 }); // the verification is on its thread
    await hashPool.close();
    await expect(attempt).rejects.toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
    await expect(attempt).rejects.not.toMatchObject({ appCode: "INVALID_CREDENTIALS" });
    await logInAs(app, user.email); // the next log-in starts a new thread
  });

  it("a thread that cannot start fails its jobs at once with the reason, and keeps no job waiting", async () => {
    const pool = new HashPool(1, 2, "/nonexistent/argon2-module");
    try {
      const jobs = [
        pool.run({ op: "hash", password: PASSWORD, options: ARGON2_OPTIONS }),
        pool.run({ op: "verify", hash: "x", password: PASSWORD }),
      ];
      for (const job of jobs) await expect(job).rejects.toThrow(/Cannot find module/);
      expect(pool.threadCount).toBe(0);
      await expect(pool.run({ op: "verify", hash: "x", password: PASSWORD })).rejects.toThrow(/Cannot find module/);
    } finally {
      await pool.close();
    }
  });

  it("a thread that stops fails only its own jobs, and the next job starts a new thread", async () => {
    const pool = new HashPool(1, 2);
    try {
      const hash = await hashPassword(PASSWORD);
      const jobs = [pool.run({ op: "verify", hash, password: PASSWORD }), pool.run({ op: "verify", hash, password: PASSWORD })];
      await pool.close(); // terminates the thread under both jobs
      await expect(Promise.all(jobs)).rejects.toThrow(/password-hashing thread stopped/);
      expect(await pool.run({ op: "verify", hash, password: PASSWORD })).toBe(true);
      expect(pool.threadCount).toBe(1);
    } finally {
      await pool.close();
    }
  });
});

describe("transparent huge pages", () => {
  it("warns at start only when the kernel's setting is never", () => {
    expect(hugePagesWarning("always madvise [never]\n")).toMatch(/transparent huge pages are off.*madvise or always/);
    expect(hugePagesWarning("always [madvise] never\n")).toBeNull();
    expect(hugePagesWarning("[always] madvise never\n")).toBeNull();
    expect(hugePagesWarning(null)).toBeNull(); // not Linux: nothing to say
  });

  it("reads the kernel's setting, and nothing where there is none", () => {
    expect(readHugePagesSetting("/nonexistent/transparent_hugepage/enabled")).toBeNull();
    if (fs.existsSync(TRANSPARENT_HUGE_PAGES)) expect(readHugePagesSetting()).toMatch(/\[(always|madvise|never)\]/);
  });
});
