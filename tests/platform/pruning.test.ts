// The pruning jobs (services/session-pruning.ts): each deletes in batches and
// lets the requests that arrived meanwhile in between (on SQLite every
// statement runs on the event loop, so a loop of batches that never yielded
// would hold every request until the last batch). Counted here as the
// event-loop turns (setImmediate callbacks) that ran while a job was under way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { deleteExpiredSessions } from "@/server/db/expired-sessions";
import { letRequestsIn, pauseAfter } from "@/server/db/let-requests-in";
import { pruneRateLimits } from "@/server/db/rate-limit-store";
import { pruneSecurityEvents } from "@/server/services/security-events";
import { pruneExpiredSessions, startSessionPruning } from "@/server/services/session-pruning";
import { seedUser } from "../support/accounts";
import { testDbKind } from "../support/databases";
import { turnsDuring } from "../support/event-loop-turns";
import { refuseWrites } from "../support/refused-writes";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const BATCH = 2;
const HOUR = 3600_000;

describe("deleteExpiredSessions", () => {
  it("deletes at most `limit` sessions expired at or before `now`, oldest first; live ones and other rows stay", async () => {
    const [ada, bob] = [await seedUser(app), await seedUser(app)];
    const now = new Date(Date.now() - 10 * HOUR); // before every other test's sessions expire
    const at = (ms: number) => new Date(now.getTime() + ms);
    const make = (userId: string, name: string, expiresAt: Date) =>
      app.db.session.create({ data: { tokenHash: hashToken(`${name}-${userId}`), userId, expiresAt } });
    const oldest = await make(ada.id, "oldest", at(-3000));
    const older = await make(bob.id, "older", at(-2000));
    const atNow = await make(ada.id, "at-now", now);
    const live = await make(bob.id, "live", at(1));
    const everyOther = async () =>
      (await app.db.session.findMany({ orderBy: { id: "asc" } })).filter((x) => ![oldest.id, older.id, atNow.id].includes(x.id));
    const others = await everyOther();
    expect(await deleteExpiredSessions(app.db, now, 2)).toBe(2);
    expect(await app.db.session.findUnique({ where: { id: oldest.id } })).toBeNull();
    expect(await app.db.session.findUnique({ where: { id: older.id } })).toBeNull();
    expect(await app.db.session.findUnique({ where: { id: atNow.id } })).not.toBeNull();
    expect(await deleteExpiredSessions(app.db, now, 2)).toBe(1); // expiring exactly at `now` counts
    expect(await deleteExpiredSessions(app.db, now, 2)).toBe(0);
    expect(await everyOther()).toEqual(others);
    expect(await app.db.session.findUnique({ where: { id: live.id } })).not.toBeNull();
  });
});

describe("pruning in batches, letting requests in between", () => {
  it("expired sessions: every batch is followed by a turn of the event loop; live sessions stay", async () => {
    const user = await seedUser(app);
    const past = new Date(Date.now() - HOUR);
    await app.db.session.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({ tokenHash: hashToken(`pruned-${user.id}-${i}`), userId: user.id, expiresAt: past })),
    });
    const live = await app.db.session.create({
      data: { tokenHash: hashToken(`live-${user.id}`), userId: user.id, expiresAt: new Date(Date.now() + HOUR) },
    });
    const { result, turns } = await turnsDuring(() => pruneExpiredSessions(app.db, new Date(), BATCH));
    expect(result).toBeGreaterThanOrEqual(7);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(7 / BATCH));
    expect(await app.db.session.findMany({ where: { userId: user.id } })).toEqual([live]);
  });

  it("rate-limit counters whose window ended: the same", async () => {
    const expire = new Date(Date.now() - 3 * HOUR);
    await app.db.rateLimit.createMany({ data: Array.from({ length: 7 }, (_, i) => ({ key: `spent-${i}`, points: 1, expire })) });
    const { result, turns } = await turnsDuring(() => pruneRateLimits(app.db, new Date(), BATCH));
    expect(result).toBe(7);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(7 / BATCH));
  });

  it("security events past their retention: the same", async () => {
    const user = await seedUser(app);
    const old = new Date(Date.now() - 400 * 24 * HOUR);
    await app.db.securityEvent.createMany({
      data: Array.from({ length: 7 }, () => ({ type: "login.succeeded", userId: user.id, createdAt: old })),
    });
    const { result, turns } = await turnsDuring(() => pruneSecurityEvents(app.db, 365, new Date(), BATCH));
    expect(result).toBe(7);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(7 / BATCH));
  });
});

describe("the pause after a batch", () => {
  it("is at least 8 ms, and nine times a batch longer than 0.89 ms: a job takes at most a tenth of the event loop", () => {
    expect(pauseAfter(0)).toBe(8);
    expect(pauseAfter(0.5)).toBe(8);
    expect(pauseAfter(8 / 9)).toBeCloseTo(8, 10);
    expect(pauseAfter(1)).toBeCloseTo(9, 10);
    expect(pauseAfter(2)).toBeCloseTo(18, 10);
    expect(pauseAfter(20)).toBeCloseTo(180, 10);
    for (const busy of [0.1, 1, 3, 50]) expect(busy / (busy + pauseAfter(busy))).toBeLessThanOrEqual(0.1 + 1e-12);
  });

  it("is measured from the batch's start: after a batch of 30 ms the next one waits about 270 ms", async () => {
    const started = performance.now() - 30;
    const before = performance.now();
    await letRequestsIn(started);
    const waited = performance.now() - before;
    // Timers may fire late, never early (1 ms of rounding allowed).
    expect(waited).toBeGreaterThanOrEqual(269);
  });
});

describe("a pruning round", () => {
  it("prunes expired sessions and, on PostgreSQL, moves the search's oldest hot entries to the cold tier", async () => {
    const user = await seedUser(app, { name: "Round Robin" });
    const other = await seedUser(app, { name: "Other Robin" });
    const expired = await app.db.session.create({
      data: { userId: user.id, tokenHash: hashToken("round-expired"), expiresAt: new Date(Date.now() - 1000) },
    });
    const live = await app.db.session.create({
      data: { userId: other.id, tokenHash: hashToken("round-live"), expiresAt: new Date(Date.now() + HOUR) },
    });
    const stop = startSessionPruning(app.db, { SECURITY_EVENT_RETENTION_DAYS: 30, PRUNE_INTERVAL_SECONDS: 3600 }, { hotTierSize: 1 });
    await stop(); // waits for the first round, which starts at once
    expect(await app.db.session.findUnique({ where: { id: expired.id } })).toBeNull();
    expect(await app.db.session.findUnique({ where: { id: live.id } })).not.toBeNull();
    if (testDbKind() === "postgres") {
      const hot = await app.db.$queryRaw<{ userId: string }[]>`SELECT "userId" FROM "UserSearch" WHERE "hot"`;
      expect(hot.map((e) => e.userId)).toEqual([other.id]); // the newest only
    }
  });
});

describe("a pruning round with a job that fails", () => {
  /** Makes every DELETE from "RateLimit" fail, as a locked or broken table would; returns the undo. */
  const failRateLimitDeletes = () => refuseWrites(app.db, { table: "RateLimit", on: "DELETE", message: "table unavailable" });

  it("runs the jobs after it: the other tables are pruned, the failed one is left for the next round", async () => {
    const user = await seedUser(app, { name: "Failing Round" });
    const expired = await app.db.session.create({
      data: { userId: user.id, tokenHash: hashToken("failing-round-expired"), expiresAt: new Date(Date.now() - 1000) },
    });
    const spent = await app.db.rateLimit.create({ data: { key: "failing-round", points: 1, expire: new Date(Date.now() - 3 * HOUR) } });
    const event = await app.db.securityEvent.create({
      data: { type: "login.succeeded", userId: user.id, createdAt: new Date(Date.now() - 400 * 24 * HOUR) },
    });
    const undo = await failRateLimitDeletes();
    try {
      const stop = startSessionPruning(app.db, { SECURITY_EVENT_RETENTION_DAYS: 30, PRUNE_INTERVAL_SECONDS: 3600 }, { hotTierSize: 1 });
      await stop();
    } finally {
      await undo();
    }
    expect(await app.db.session.findUnique({ where: { id: expired.id } })).toBeNull();
    expect(await app.db.rateLimit.findUnique({ where: { key: spent.key } })).not.toBeNull(); // its job failed
    expect(await app.db.securityEvent.findUnique({ where: { id: event.id } })).toBeNull(); // the job after it ran
    if (testDbKind() === "postgres") {
      const hot = await app.db.$queryRaw<{ userId: string }[]>`SELECT "userId" FROM "UserSearch" WHERE "hot"`;
      expect(hot.map((e) => e.userId)).toEqual([user.id]); // and the last job too
    }
  });
});
