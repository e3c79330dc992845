// The rate limiter itself (auth/rate-limits.ts) on a real database: which
// budgets a request counts, what a refusal leaves behind, when a budget
// reached is reported, and that a failing store refuses rather than lets
// through. A budget is spent by writing its row, as the store would after
// that many requests; a failing store is a trigger that refuses to count for
// one budget's keys (giving points back still works, as after a brief outage).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LimitReached, RateLimits } from "@/server/auth/rate-limits";
import { consumeEach, giveBackEach, RateLimiterSql } from "@/server/db/rate-limit-store";
import { type LimitName, RATE_LIMITS } from "@/shared/policy";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { refuseWrites } from "../support/refused-writes";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

let reports: LimitReached[];
let limits: RateLimits;
beforeEach(async () => {
  await database.db.rateLimit.deleteMany();
  reports = [];
  limits = new RateLimits(database.db, (reached) => reports.push(reached));
});

const client = { ip: "203.0.113.5", userAgent: "Agent/1" };
const email = "ada@school.example";

/** The points counted per stored key ("<budget>:<key>"), live or not. */
async function counts(): Promise<Record<string, number>> {
  const rows = await database.db.rateLimit.findMany({ orderBy: { key: "asc" } });
  return Object.fromEntries(rows.map((r) => [r.key, r.points]));
}

/** Spends a budget for a key: its full points, in a window that ends in `seconds`. */
async function spend(limit: LimitName, key: string, seconds: number = RATE_LIMITS[limit].duration) {
  await database.db.rateLimit.create({
    data: { key: `${limit}:${key}`, points: RATE_LIMITS[limit].points, expire: new Date(Date.now() + seconds * 1000) },
  });
}

/** Makes every count (a write of points) of this budget's keys fail, as an unreachable store would; returns the undo. */
function failWritesOf(limit: LimitName): Promise<() => Promise<void>> {
  return refuseWrites(database.db, {
    table: "RateLimit",
    on: "INSERT",
    when: `NEW."key" LIKE '${limit}:%' AND NEW."points" > 0`,
    message: "store unavailable",
  });
}

/** The outcome of a call: "ok", its value, or the refusal's appCode (or "store error" for anything else). */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (value) => value ?? "ok",
    (error: { appCode?: string }) => error.appCode ?? "store error",
  );
}

describe("password attempts", () => {
  it("take a point from the account-and-client, client and account budgets of an unknown client, and give them back", async () => {
    const reservation = await limits.reservePasswordAttempt({ ...client, email, device: null });
    expect(await counts()).toEqual({
      [`loginFailuresPerAccountAndClient:${email} ${client.ip}`]: 1,
      [`loginFailuresPerClient:${client.ip}`]: 1,
      [`loginFailuresPerAccount:${email}`]: 1,
    });
    await reservation.giveBack();
    expect(Object.values(await counts())).toEqual([0, 0, 0]);
  });

  it("from a browser known to the account, take a point from that device's budgets only", async () => {
    await limits.reservePasswordAttempt({ ...client, email, device: "nonce-1" });
    expect(await counts()).toEqual({ "loginFailuresPerDevice:nonce-1": 1, "loginFailuresPerDeviceDaily:nonce-1": 1 });
  });

  // A device cookie outlives a log-out (a shared school computer): whoever
  // uses that browser later must not guess at 10 per 15 minutes all day.
  it(`from a known browser, at most ${RATE_LIMITS.loginFailuresPerDeviceDaily.points} failures a day, though its 15-minute budget is fresh`, async () => {
    await spend("loginFailuresPerDeviceDaily", "nonce-2");
    const refusal = await limits.reservePasswordAttempt({ ...client, email, device: "nonce-2" }).catch((error) => error);
    expect(refusal).toMatchObject({ appCode: "RATE_LIMITED" });
    expect(refusal.details.retryAfterSeconds).toBeGreaterThan(RATE_LIMITS.loginFailuresPerDevice.duration);
    expect(await counts()).toMatchObject({ "loginFailuresPerDevice:nonce-2": 0 });
  });

  it("count a client without an address as one client, 'unknown'", async () => {
    await limits.reservePasswordAttempt({ ip: null, email, device: null });
    expect(Object.keys(await counts())).toContain("loginFailuresPerClient:unknown");
  });

  it("are refused once any budget is spent, with the wait, and the refused attempt leaves every count as it was", async () => {
    await spend("loginFailuresPerAccountAndClient", `${email} ${client.ip}`, 600);
    const before = await counts();
    const refusal = await limits.reservePasswordAttempt({ ...client, email, device: null }).catch((error) => error);
    expect(refusal).toMatchObject({ appCode: "RATE_LIMITED" });
    expect(refusal.message).toBe(`Too many attempts. Try again in ${refusal.details.retryAfterSeconds} seconds.`);
    expect(refusal.details.retryAfterSeconds).toBeGreaterThan(590);
    expect(refusal.details.retryAfterSeconds).toBeLessThanOrEqual(600);
    expect(await counts()).toEqual({
      ...before,
      [`loginFailuresPerClient:${client.ip}`]: 0,
      [`loginFailuresPerAccount:${email}`]: 0,
      [`limitReached:loginFailuresPerAccountAndClient ${email} ${client.ip}`]: 1,
    });
  });

  it("fail closed when a budget's store fails: the store's error, no budget's point taken, nothing reported", async () => {
    await spend("loginFailuresPerClient", client.ip);
    // The failing budget's earlier count stays: a point it did not take is not given back.
    await database.db.rateLimit.create({
      data: { key: `loginFailuresPerAccount:${email}`, points: 5, expire: new Date(Date.now() + 60_000) },
    });
    const undo = await failWritesOf("loginFailuresPerAccount");
    try {
      expect(await outcome(limits.reservePasswordAttempt({ ...client, email, device: null }))).toBe("store error");
    } finally {
      await undo();
    }
    // The three budgets are counted in one statement: none of them took a point.
    expect(await counts()).toEqual({
      [`loginFailuresPerClient:${client.ip}`]: RATE_LIMITS.loginFailuresPerClient.points,
      [`loginFailuresPerAccount:${email}`]: 5,
    });
    expect(reports).toEqual([]);
  });
});

describe("the counters of a password attempt", () => {
  const keys = [
    `loginFailuresPerAccountAndClient:${email} ${client.ip}`,
    `loginFailuresPerClient:${client.ip}`,
    `loginFailuresPerAccount:${email}`,
  ];
  const windowEnds = async () =>
    Object.fromEntries((await database.db.rateLimit.findMany()).map((r) => [r.key, r.expire?.getTime() ?? null]));

  it("open each budget's own window, which later points keep, and an ended window starts again at one point", async () => {
    const before = Date.now();
    await limits.reservePasswordAttempt({ ...client, email, device: null });
    const first = await windowEnds();
    for (const key of keys) {
      const seconds = RATE_LIMITS[key.slice(0, key.indexOf(":")) as LimitName].duration;
      expect(first[key]).toBeGreaterThanOrEqual(before + seconds * 1000);
      expect(first[key]).toBeLessThanOrEqual(Date.now() + seconds * 1000);
    }
    await limits.reservePasswordAttempt({ ...client, email, device: null });
    expect(await windowEnds()).toEqual(first);
    expect(await counts()).toEqual(Object.fromEntries(keys.map((k) => [k, 2])));
    // The account's window ended: it starts again, the others go on.
    await database.db.rateLimit.update({ where: { key: keys[2]! }, data: { expire: new Date(Date.now() - 1000) } });
    await limits.reservePasswordAttempt({ ...client, email, device: null });
    expect(await counts()).toEqual({ [keys[0]!]: 3, [keys[1]!]: 3, [keys[2]!]: 1 });
    expect((await windowEnds())[keys[2]!]).toBeGreaterThan(first[keys[2]!]!);
  });

  it("given back, lose one point each, never below zero, and no other counter changes", async () => {
    await database.db.rateLimit.create({
      data: { key: "loginFailuresPerAccount:bob@school.example", points: 7, expire: new Date(Date.now() + 60_000) },
    });
    const reservation = await limits.reservePasswordAttempt({ ...client, email, device: null });
    await database.db.rateLimit.update({ where: { key: keys[1]! }, data: { points: 0 } });
    await reservation.giveBack();
    expect(await counts()).toEqual({ [keys[0]!]: 0, [keys[1]!]: 0, [keys[2]!]: 0, "loginFailuresPerAccount:bob@school.example": 7 });
    // Once only: a second call gives nothing more.
    await database.db.rateLimit.update({ where: { key: keys[2]! }, data: { points: 3 } });
    await reservation.giveBack();
    expect((await counts())[keys[2]!]).toBe(3);
    // Given back after its window ended, a counter owes nothing: a new window at zero.
    const later = await limits.reservePasswordAttempt({ ...client, email, device: null });
    await database.db.rateLimit.update({ where: { key: keys[0]! }, data: { points: 4, expire: new Date(Date.now() - 1000) } });
    await later.giveBack();
    expect((await counts())[keys[0]!]).toBe(0);
    expect((await windowEnds())[keys[0]!]).toBeGreaterThan(Date.now());
  });
});

describe("the store's several-budget statements", () => {
  it("a budget whose window never ends (duration 0) keeps counting, refusing past its points", async () => {
    const forever = new RateLimiterSql({ db: database.db, keyPrefix: "forever", points: 2, duration: 0 });
    const daily = new RateLimiterSql({ db: database.db, keyPrefix: "daily", points: 5, duration: 86_400 });
    const budgets = [
      { limiter: forever, key: "k" },
      { limiter: daily, key: "k" },
    ];
    const statuses = async () => (await consumeEach(database.db, budgets)).map((r) => r.status);
    expect(await statuses()).toEqual(["fulfilled", "fulfilled"]);
    expect(await statuses()).toEqual(["fulfilled", "fulfilled"]);
    const third = await consumeEach(database.db, budgets);
    expect(third.map((r) => r.status)).toEqual(["rejected", "fulfilled"]);
    expect(third[1]).toMatchObject({ value: { consumedPoints: 3, remainingPoints: 2 } });
    const rows = await database.db.rateLimit.findMany({ orderBy: { key: "asc" } });
    expect(rows.map((r) => [r.key, r.points, r.expire === null])).toEqual([
      ["daily:k", 3, false],
      ["forever:k", 3, true],
    ]);
    await giveBackEach(database.db, budgets);
    expect(await counts()).toEqual({ "daily:k": 2, "forever:k": 2 });
  });
});

describe("a budget reached is reported", () => {
  it("once per window, across instances, with the address only for budgets that count one", async () => {
    await spend("loginFailuresPerAccountAndClient", `${email} ${client.ip}`);
    await spend("loginFailuresPerClient", client.ip);
    await spend("loginFailuresPerAccount", email);
    for (let i = 0; i < 3; i++)
      expect(await outcome(limits.reservePasswordAttempt({ ...client, email, device: null }))).toBe("RATE_LIMITED");
    const other = new RateLimits(database.db, (reached) => reports.push(reached));
    expect(await outcome(other.reservePasswordAttempt({ ...client, email, device: null }))).toBe("RATE_LIMITED");
    const byLimit = (r: LimitReached) => r.limit;
    expect(reports.map(byLimit).sort()).toEqual(["loginFailuresPerAccount", "loginFailuresPerAccountAndClient", "loginFailuresPerClient"]);
    expect(reports.find((r) => r.limit === "loginFailuresPerClient")).toEqual({
      limit: "loginFailuresPerClient",
      email: null,
      client,
    });
    expect(reports.find((r) => r.limit === "loginFailuresPerAccount")?.email).toBe(email);
    expect(reports.find((r) => r.limit === "loginFailuresPerAccountAndClient")?.email).toBe(email);
  });

  it("for each budget, naming the address exactly when the budget counts addresses", async () => {
    await spend("loginFailuresPerDevice", "nonce-1");
    await limits.reservePasswordAttempt({ ...client, email, device: "nonce-1" }).catch(() => undefined);
    for (const limit of ["register", "resendVerification", "passwordReset"] as const) {
      await spend(`${limit}PerEmail`, email);
      await spend(`${limit}PerIp`, client.ip);
    }
    await limits.consumeClient("register", client).catch(() => undefined);
    await limits.consumeAddress("register", email, client).catch(() => undefined);
    await limits.consumeMailRequest("resendVerification", email, client).catch(() => undefined);
    await limits.consumeMailRequest("passwordReset", email, client).catch(() => undefined);
    await spend("emailChangePerUser", "user-1");
    await spend("emailChangePerAddress", email);
    await limits.reserveEmailChange("user-1", email, client).catch(() => undefined);
    const seen = Object.fromEntries(reports.map((r) => [r.limit, r.email]));
    expect(seen).toEqual({
      loginFailuresPerDevice: email,
      registerPerEmail: email,
      registerPerIp: null,
      resendVerificationPerEmail: email,
      resendVerificationPerIp: null,
      passwordResetPerEmail: email,
      passwordResetPerIp: null,
      emailChangePerUser: null,
      emailChangePerAddress: null,
    });
    expect(reports.every((r) => r.client.ip === client.ip && r.client.userAgent === "Agent/1")).toBe(true);
  });

  it("without a statement more for each refusal: a process remembers the windows it has marked", async () => {
    await spend("registerPerIp", client.ip);
    await outcome(limits.consumeClient("register", client));
    // Were the mark taken again on every refusal, a missing one would be reported anew.
    await database.db.rateLimit.deleteMany({ where: { key: { startsWith: "limitReached:" } } });
    await outcome(limits.consumeClient("register", client));
    expect(reports.map((r) => r.limit)).toEqual(["registerPerIp"]);
    // Another instance knows only the table.
    await outcome(new RateLimits(database.db, (reached) => reports.push(reached)).consumeClient("register", client));
    expect(reports.map((r) => r.limit)).toEqual(["registerPerIp", "registerPerIp"]);
  });

  it("remembers at most as many windows as it is told, making room by forgetting the ended ones", async () => {
    const small = new RateLimits(database.db, (reached) => reports.push(reached), 2);
    const refuse = async (ip: string) => outcome(small.consumeClient("register", { ip }));
    for (const [ip, seconds] of [
      ["192.0.2.1", 2],
      ["192.0.2.2", 600],
      ["192.0.2.3", 600],
    ] as const) {
      await spend("registerPerIp", ip, seconds);
      await refuse(ip);
    }
    // Two remembered (.1 and .2); .3 found no room. Without the table's marks, only .3 is reported again.
    const forgetMarks = () => database.db.rateLimit.deleteMany({ where: { key: { startsWith: "limitReached:" } } });
    await forgetMarks();
    reports = [];
    for (const ip of ["192.0.2.1", "192.0.2.2", "192.0.2.3"]) await refuse(ip);
    expect(reports.map((r) => r.client.ip)).toEqual(["192.0.2.3"]);
    // Once .1's window has ended, it is forgotten to make room for .4.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await spend("registerPerIp", "192.0.2.4", 600);
    await refuse("192.0.2.4");
    await forgetMarks();
    reports = [];
    for (const ip of ["192.0.2.2", "192.0.2.4"]) await refuse(ip);
    expect(reports).toEqual([]);
  });

  it("again in the next window, its mark lasting as long as the budget's window", async () => {
    await spend("registerPerIp", client.ip, 120);
    await outcome(limits.consumeClient("register", client));
    const rows = await database.db.rateLimit.findMany();
    const budget = rows.find((r) => r.key === `registerPerIp:${client.ip}`)!;
    const mark = rows.find((r) => r.key === `limitReached:registerPerIp ${client.ip}`)!;
    expect(Math.abs(mark.expire!.getTime() - budget.expire!.getTime())).toBeLessThan(1500);
    // Both windows end; the budget is spent again in a new one.
    await database.db.rateLimit.deleteMany({ where: { key: { in: [budget.key, mark.key] } } });
    await spend("registerPerIp", client.ip, 3000);
    await outcome(limits.consumeClient("register", client));
    expect(reports.map((r) => r.limit)).toEqual(["registerPerIp", "registerPerIp"]);
  });

  it("not when the store fails: the store's error, never RATE_LIMITED", async () => {
    for (const [limit, run] of [
      ["registerPerIp", () => limits.consumeClient("register", client)],
      ["registerPerEmail", () => limits.consumeAddress("register", email, client)],
    ] as const) {
      const undo = await failWritesOf(limit);
      try {
        expect(await outcome(run()), limit).toBe("store error");
      } finally {
        await undo();
      }
    }
    // Nor beside a spent budget of the same request.
    await spend("emailChangePerUser", "user-1");
    const undo = await failWritesOf("emailChangePerAddress");
    try {
      expect(await outcome(limits.reserveEmailChange("user-1", email, client))).toBe("store error");
    } finally {
      await undo();
    }
    expect(reports).toEqual([]);
  });
});

describe("requests for mail to an address", () => {
  it("go ahead (true) within both budgets; past the address's, answer false and send nothing; past the client's, RATE_LIMITED", async () => {
    expect(await limits.consumeMailRequest("passwordReset", email, client)).toBe(true);
    await spend("passwordResetPerEmail", "spent@school.example");
    expect(await limits.consumeMailRequest("passwordReset", "spent@school.example", client)).toBe(false);
    await spend("passwordResetPerIp", "198.51.100.9", 300);
    const refusal = await limits.consumeMailRequest("passwordReset", email, { ip: "198.51.100.9" }).catch((error) => error);
    expect(refusal).toMatchObject({ appCode: "RATE_LIMITED" });
    expect(refusal.details.retryAfterSeconds).toBeGreaterThan(290);
    expect(refusal.details.retryAfterSeconds).toBeLessThanOrEqual(300);
  });

  it("fail closed when either budget's store fails", async () => {
    for (const limit of ["passwordResetPerEmail", "passwordResetPerIp"] as const) {
      const undo = await failWritesOf(limit);
      try {
        expect(await outcome(limits.consumeMailRequest("passwordReset", email, client)), limit).toBe("store error");
      } finally {
        await undo();
      }
    }
    expect(reports).toEqual([]);
  });
});

describe("other budgets", () => {
  it("registration counts the address and the client; an email change the user and the new address", async () => {
    await limits.consumeClient("register", client);
    await limits.consumeAddress("register", email, client);
    await limits.reserveEmailChange("user-1", "new@school.example", client);
    expect(await counts()).toEqual({
      [`registerPerEmail:${email}`]: 1,
      [`registerPerIp:${client.ip}`]: 1,
      "emailChangePerUser:user-1": 1,
      "emailChangePerAddress:new@school.example": 1,
    });
  });

  it("RATE_LIMITED past either budget, with the longest wait", async () => {
    await spend("emailChangePerUser", "user-1", 200);
    await spend("emailChangePerAddress", email, 900);
    const refusal = await limits.reserveEmailChange("user-1", email, client).catch((error) => error);
    expect(refusal).toMatchObject({ appCode: "RATE_LIMITED" });
    expect(refusal.details.retryAfterSeconds).toBeGreaterThan(890);
    expect(refusal.details.retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it("forgetting an account's failures clears that account's budget and its mark only", async () => {
    await spend("loginFailuresPerAccount", email);
    await spend("loginFailuresPerAccount", "bob@school.example");
    await spend("loginFailuresPerAccountAndClient", `${email} ${client.ip}`);
    expect(await outcome(limits.reservePasswordAttempt({ ...client, email, device: null }))).toBe("RATE_LIMITED");
    await limits.forgetAccountFailures(email);
    const left = Object.keys(await counts());
    expect(left).not.toContain(`loginFailuresPerAccount:${email}`);
    expect(left).not.toContain(`limitReached:loginFailuresPerAccount ${email}`);
    expect(left).toContain("loginFailuresPerAccount:bob@school.example");
    expect(left).toContain(`loginFailuresPerAccountAndClient:${email} ${client.ip}`);
    expect(left).toContain(`limitReached:loginFailuresPerAccountAndClient ${email} ${client.ip}`);
    // Spent again, it is reported again, by the same instance.
    await spend("loginFailuresPerAccount", email);
    reports = [];
    await limits.reservePasswordAttempt({ ...client, email, device: null }).catch(() => undefined);
    expect(reports.map((r) => r.limit)).toEqual(["loginFailuresPerAccount"]);
  });
});
