// The rate limiter's store (db/rate-limit-store.ts) on a real database, below
// the budgets of auth/rate-limits.ts: what rate-limiter-flexible's calls
// (consume, reward, set, get, delete) store and answer through it, how the
// several-budget statements fail and in which order they write, and that a
// count never waits for the disk (bookkeeping), on SQLite and on PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { driverOf } from "@/server/db/client";
import { consumeEach, giveBackEach, RateLimiterSql } from "@/server/db/rate-limit-store";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/databases";
import { commitSettings } from "../support/postgres-commit-setting";
import { refuseWrites } from "../support/refused-writes";
import { commitLevel } from "../support/sqlite-commit-level";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());
beforeEach(async () => {
  await database.db.rateLimit.deleteMany();
});

const limiter = (keyPrefix: string, points: number, duration: number) =>
  new RateLimiterSql({ db: database.db, keyPrefix, points, duration });

/** Every stored counter: points, and whether its window has an end. */
async function rows(): Promise<Record<string, { points: number; ends: boolean }>> {
  const all = await database.db.rateLimit.findMany({ orderBy: { key: "asc" } });
  return Object.fromEntries(all.map((r) => [r.key, { points: r.points, ends: r.expire !== null }]));
}

describe("the library's calls through the store", () => {
  it("consume counts within one window: the first point opens it, the next ones keep its end", async () => {
    const perMinute = limiter("minute", 3, 60);
    const first = await perMinute.consume("k");
    expect(first).toMatchObject({ consumedPoints: 1, remainingPoints: 2, isFirstInDuration: true });
    expect(first.msBeforeNext).toBeGreaterThan(55_000);
    expect(first.msBeforeNext).toBeLessThanOrEqual(60_000);
    const { expire } = await database.db.rateLimit.findUniqueOrThrow({ where: { key: "minute:k" } });
    const second = await perMinute.consume("k");
    expect(second).toMatchObject({ consumedPoints: 2, remainingPoints: 1, isFirstInDuration: false });
    expect((await database.db.rateLimit.findUniqueOrThrow({ where: { key: "minute:k" } })).expire).toEqual(expire);
    await perMinute.consume("k");
    await expect(perMinute.consume("k")).rejects.toMatchObject({ consumedPoints: 4, remainingPoints: 0 });
    expect(await rows()).toEqual({ "minute:k": { points: 4, ends: true } });
  });

  it("a window that never ends (duration 0) stores no end, and says so with msBeforeNext -1", async () => {
    const forever = limiter("forever", 2, 0);
    expect(await forever.consume("k")).toMatchObject({ consumedPoints: 1, msBeforeNext: -1, isFirstInDuration: true });
    expect(await forever.consume("k")).toMatchObject({ consumedPoints: 2, msBeforeNext: -1, isFirstInDuration: false });
    expect(await rows()).toEqual({ "forever:k": { points: 2, ends: false } });
  });

  it("an ended window starts again at the points counted; a reward lowers the count and, past its window, leaves none owed", async () => {
    const perMinute = limiter("minute", 5, 60);
    await database.db.rateLimit.create({ data: { key: "minute:k", points: 4, expire: new Date(Date.now() - 1000) } });
    expect(await perMinute.consume("k")).toMatchObject({ consumedPoints: 1, isFirstInDuration: true });
    await perMinute.consume("k");
    expect(await perMinute.reward("k", 1)).toMatchObject({ consumedPoints: 1 });
    await database.db.rateLimit.update({ where: { key: "minute:k" }, data: { expire: new Date(Date.now() - 1000) } });
    expect(await perMinute.reward("k", 1)).toMatchObject({ consumedPoints: 0 });
    expect(await rows()).toEqual({ "minute:k": { points: 0, ends: true } });
  });

  it("set replaces the count and the window instead of adding to them", async () => {
    const perMinute = limiter("minute", 5, 60);
    await perMinute.consume("k", 3);
    const set = await perMinute.set("k", 1, 3600);
    expect(set).toMatchObject({ consumedPoints: 1 });
    expect(set.msBeforeNext).toBeGreaterThan(3_500_000);
    expect(await rows()).toEqual({ "minute:k": { points: 1, ends: true } });
    // The next point counts on from the set value, in the set window.
    expect(await perMinute.consume("k")).toMatchObject({ consumedPoints: 2 });
  });

  it("get answers a live window's count, and nothing for an unknown key or an ended window", async () => {
    const perMinute = limiter("minute", 5, 60);
    expect(await perMinute.get("k")).toBeNull();
    await perMinute.consume("k", 2);
    expect(await perMinute.get("k")).toMatchObject({ consumedPoints: 2, remainingPoints: 3 });
    await database.db.rateLimit.update({ where: { key: "minute:k" }, data: { expire: new Date(Date.now() - 1000) } });
    expect(await perMinute.get("k")).toBeNull();
  });

  it("delete removes that key's counter only, and says whether there was one", async () => {
    const perMinute = limiter("minute", 5, 60);
    await perMinute.consume("k");
    await perMinute.consume("other");
    expect(await perMinute.delete("k")).toBe(true);
    expect(await perMinute.delete("k")).toBe(false);
    expect(await rows()).toEqual({ "minute:other": { points: 1, ends: true } });
  });
});

describe("the several-budget statements", () => {
  const budgets = () => [
    { limiter: limiter("b", 5, 60), key: "k" },
    { limiter: limiter("a", 5, 60), key: "k" },
    { limiter: limiter("c", 5, 0), key: "k" },
  ];

  it("when the statement fails, settle every budget as rejected with the store's error, instead of throwing", async () => {
    await database.db.rateLimit.create({ data: { key: "a:k", points: 2, expire: new Date(Date.now() + 60_000) } });
    const undo = await refuseWrites(database.db, {
      table: "RateLimit",
      on: "INSERT",
      when: `NEW."key" = 'c:k'`,
      message: "store unavailable",
    });
    let settled: PromiseSettledResult<unknown>[];
    try {
      settled = await consumeEach(database.db, budgets());
    } finally {
      await undo();
    }
    expect(settled.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    for (const r of settled) expect(String((r as PromiseRejectedResult).reason)).toContain("store unavailable");
    expect(await rows()).toEqual({ "a:k": { points: 2, ends: true } });
  });

  it("write the counters in key order whatever the budgets' order (two requests lock shared rows alike on PostgreSQL)", async () => {
    await consumeEach(database.db, budgets());
    const order =
      driverOf(database.db).kind === "sqlite"
        ? await database.db.$queryRawUnsafe<{ key: string }[]>(`SELECT "key" FROM "RateLimit" ORDER BY "rowid"`)
        : await database.db.$queryRawUnsafe<{ key: string }[]>(`SELECT "key" FROM "RateLimit" ORDER BY ctid`);
    expect(order.map((r) => r.key)).toEqual(["a:k", "b:k", "c:k"]);
  });

  it("never deadlock: 40 requests sharing three counters, half of them naming the budgets in the opposite order", async () => {
    const forward = budgets();
    const backward = [...forward].reverse();
    const settled = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const mine = i % 2 ? backward : forward;
        const taken = await consumeEach(database.db, mine);
        await giveBackEach(database.db, mine);
        return taken;
      }),
    );
    for (const taken of settled) for (const r of taken) if (r.status === "rejected" && r.reason instanceof Error) throw r.reason;
    // Every point taken was given back.
    expect(await rows()).toEqual({ "a:k": { points: 0, ends: true }, "b:k": { points: 0, ends: true }, "c:k": { points: 0, ends: false } });
  });
});

describe.skipIf(testDbKind() !== "sqlite")("counts on SQLite", () => {
  it("never wait for the disk: the connection stays at synchronous = NORMAL after each kind of count, and any other write is FULL", async () => {
    const level = () => commitLevel(database.db, "read");
    const full = () => commitLevel(database.db, "write");
    const perMinute = limiter("minute", 5, 60);
    const counts: [string, () => Promise<unknown>][] = [
      ["consume", () => perMinute.consume("k")],
      ["several budgets", () => consumeEach(database.db, [{ limiter: perMinute, key: "k" }])],
      ["given back", () => giveBackEach(database.db, [{ limiter: perMinute, key: "k" }])],
    ];
    for (const [name, count] of counts) {
      expect(await full(), name).toBe(2);
      await count();
      expect(await level(), name).toBe(1);
    }
    // A write that is not a count waits for the disk again, though it returns rows as a read does.
    const others: [string, () => Promise<unknown>][] = [
      ["set", () => perMinute.set("k", 1, 60)],
      ["delete", () => perMinute.delete("k")],
    ];
    for (const [name, write] of others) {
      await perMinute.consume("k");
      expect(await level(), name).toBe(1);
      await write();
      expect(await level(), name).toBe(2);
    }
  });
});

describe.skipIf(testDbKind() !== "postgres")("counts on PostgreSQL", () => {
  it("never wait for the disk: each kind of count commits with synchronous_commit off, and set and delete wait for it", async () => {
    const perMinute = limiter("minute", 5, 60);
    const budget = [{ limiter: perMinute, key: "k" }];
    const settings = await commitSettings(database.db, async () => {
      await perMinute.consume("k");
      await consumeEach(database.db, budget);
      await giveBackEach(database.db, budget);
      await perMinute.set("k", 1, 60);
      await perMinute.delete("k");
    });
    expect(settings).toEqual([
      ["rate-limit-add", "off"],
      ["rate-limit-take-1", "off"],
      ["rate-limit-give-back-1", "off"],
      ["rate-limit-set", "on"],
      ["rate-limit-delete", "on"],
    ]);
  });
});
