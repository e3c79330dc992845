// On SQLite the admin directory's reads (pageQuery) run on a thread of their
// own with a read-only connection (src/server/db/reader-thread.ts), so that a
// long page or search never holds the event loop; when that thread cannot
// run, they run on the server's connection as before.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driverOf, Prisma } from "@/server/db/client";
import { pageQuery } from "@/server/db/driver-statements";
import { READER_THREAD_NAME, READER_THREAD_NICE, ReaderStopped, ReaderThread } from "@/server/db/reader-thread";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/databases";
import { turnsDuring } from "../support/event-loop-turns";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** A read that keeps SQLite busy for a few hundred milliseconds. */
const SLOW_COUNT = Prisma.sql`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${3_000_000}) SELECT count(*) AS "n" FROM c`;

const sqliteDriver = () => {
  const driver = driverOf(database.db);
  if (driver.kind !== "sqlite") throw new Error("SQLite only");
  return driver;
};

describe.runIf(testDbKind() === "sqlite")("the SQLite reader thread", () => {
  it("runs a page read off the event loop: requests keep being served while it runs", async () => {
    const { result, turns } = await turnsDuring(() => pageQuery<{ n: bigint }>(database.db, SLOW_COUNT));
    expect(result).toEqual([{ n: 3_000_000n }]);
    // On the server's connection the loop would not turn once until the statement ended.
    expect(turns).toBeGreaterThan(20);
  });

  it.runIf(process.platform === "linux")("yields the CPU to the event loop: it runs at a lower priority (nice +10)", async () => {
    const niceOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    const before = niceOf(fs.readFileSync(`/proc/${process.pid}/stat`, "utf8"));
    await pageQuery(database.db, Prisma.sql`SELECT 1 AS "one"`);
    const threads = fs.readdirSync("/proc/self/task").map((tid) => fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8"));
    const reader = threads.find((stat) => stat.includes(`(${READER_THREAD_NAME})`));
    expect(READER_THREAD_NICE).toBeGreaterThan(0);
    expect(reader && niceOf(reader)).toBe(Math.min(19, before + READER_THREAD_NICE));
    // The event loop's own priority is untouched.
    expect(niceOf(fs.readFileSync(`/proc/${process.pid}/stat`, "utf8"))).toBe(before);
  });

  it("sees a user committed just before the read, and returns the statement's error as the driver would", async () => {
    const id = `reader-${Date.now()}`;
    await database.db.user.create({ data: { id, name: "Rita Reader" } });
    const rows = await pageQuery<{ id: string; name: string }>(database.db, Prisma.sql`SELECT "id", "name" FROM "User" WHERE "id" = ${id}`);
    expect(rows).toEqual([{ id, name: "Rita Reader" }]);
    const failed = await pageQuery(database.db, Prisma.sql`SELECT "nope" FROM "User"`).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).toMatchObject({ code: "SQLITE_ERROR", message: expect.stringContaining("no such column") });
    expect(failed).not.toBeInstanceOf(ReaderStopped);
  });

  it("is read-only: a write through it is refused and changes nothing", async () => {
    const before = await database.db.user.count();
    const refused = await pageQuery(
      database.db,
      Prisma.sql`INSERT INTO "User" ("id", "name", "createdAt", "updatedAt") VALUES ('x', 'x', 0, 0) RETURNING "id"`,
    ).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "SQLITE_READONLY" });
    expect(await database.db.user.count()).toBe(before);
  });

  it("a thread that cannot start says so on every read and is not started again", async () => {
    let opened = 0;
    const reader = new ReaderThread(path.join(database.url.replace(/^file:/, ""), "..", "no-such-dir", "missing.db"), async () => {
      opened++;
    });
    await expect(reader.all("SELECT 1", [])).rejects.toBeInstanceOf(ReaderStopped);
    await expect(reader.all("SELECT 1", [])).rejects.toBeInstanceOf(ReaderStopped);
    expect(opened).toBe(1);
  });

  it("once stopped, page reads run on the server's connection and still answer", async () => {
    await sqliteDriver().reader.stop();
    const { result, turns } = await turnsDuring(() => pageQuery<{ n: bigint }>(database.db, SLOW_COUNT));
    expect(result).toEqual([{ n: 3_000_000n }]);
    // The statement held the loop: at most the turn already queued ran.
    expect(turns).toBeLessThanOrEqual(1);
  });
});
