// A SQLite write that finds another connection's lock (a migration, a script
// writing to the same file) fails at once and is tried again on a timer, up
// to the lock wait (LOCK_WAIT_MS in db/client.ts), instead of waiting in
// SQLite's busy handler, which sleeps on the event loop: the server goes on
// answering meanwhile. A Prisma transaction waits so for the lock before it
// begins; once open, its statements wait in SQLite.
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, createDb, type Db, sqlitePath } from "@/server/db/client";
import { DriverStatement, writeTogether } from "@/server/db/driver-statements";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/databases";

const LOCK_WAIT_MS = 1500;
const INSERT = new DriverStatement("test-lock-insert", `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES (?, ?, NULL)`, {
  bookkeeping: true,
});
const DURABLE_INSERT = new DriverStatement(
  "test-lock-durable-insert",
  `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES (?, ?, NULL)`,
);

describe.runIf(testDbKind() === "sqlite")("a SQLite lock held by another connection", () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    db = createDb(database.url, { lockWaitMs: LOCK_WAIT_MS });
    await INSERT.all(db, ["untouched", 7]);
  });
  afterAll(async () => {
    await closeDb(db);
    await database.drop();
  });

  const points = async (key: string) => (await db.rateLimit.findMany({ where: { key } })).map((r) => r.points);
  /** Another connection in a write transaction, as a migration or a script would be. */
  const holdLock = () => {
    const other = new Database(sqlitePath(database.url));
    other.exec("BEGIN IMMEDIATE");
    return other;
  };
  /** Counts the event loop's turns (a timer every 5 ms) while `work` runs. */
  async function turnsDuring<T>(work: () => Promise<T>): Promise<{ turns: number; result: PromiseSettledResult<T> }> {
    let turns = 0;
    const timer = setInterval(() => turns++, 5);
    try {
      const [result] = await Promise.allSettled([work()]);
      return { turns, result: result! };
    } finally {
      clearInterval(timer);
    }
  }

  /** Runs `write` while another connection holds the lock, released by a timer after 150 ms: whether the release came first. */
  async function writeWhileLocked(write: () => Promise<unknown>) {
    const other = holdLock();
    let releasedBeforeWritten = false;
    const { turns, result } = await turnsDuring(async () => {
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          other.exec("COMMIT");
          other.close();
          resolve();
        }, 150),
      );
      let written = false;
      const writing = write().then(() => (written = true));
      await released;
      releasedBeforeWritten = !written;
      return writing;
    });
    return { releasedBeforeWritten, turns, result };
  }

  // Each write, and the rows it must leave: it waits with the event loop turning (the release, itself
  // on a timer, comes first: with the write waiting in SQLite it never could), then writes once.
  const waitingWrites: [string, () => Promise<unknown>, Record<string, number[]>][] = [
    ["a driver write", () => INSERT.all(db, ["after-lock", 1]), { "after-lock": [1] }],
    [
      "writes together (one transaction on the driver)",
      () =>
        writeTogether(db, [
          { statement: DURABLE_INSERT, values: ["together-a", 1] },
          { statement: DURABLE_INSERT, values: ["together-b", 2] },
        ]),
      { "together-a": [1], "together-b": [2] },
    ],
    [
      "a Prisma statement outside a transaction",
      () => db.rateLimit.create({ data: { key: "prisma-alone", points: 3 } }),
      { "prisma-alone": [3] },
    ],
    [
      "a Prisma transaction, which waits before it begins",
      () =>
        db.$transaction(async (tx) => {
          await tx.rateLimit.create({ data: { key: "prisma-tx-a", points: 4 } });
          await tx.rateLimit.create({ data: { key: "prisma-tx-b", points: 5 } });
        }),
      { "prisma-tx-a": [4], "prisma-tx-b": [5] },
    ],
  ];

  it.each(waitingWrites)("%s: waits for it on a timer, the event loop turning, then writes once", async (_, write, rows) => {
    const { releasedBeforeWritten, turns, result } = await writeWhileLocked(write);
    expect(result.status).toBe("fulfilled");
    expect(releasedBeforeWritten).toBe(true);
    expect(turns).toBeGreaterThanOrEqual(10);
    for (const [key, expected] of Object.entries(rows)) expect(await points(key)).toEqual(expected);
    expect(await points("untouched")).toEqual([7]);
  });

  it("gives up with SQLITE_BUSY after the lock wait, having written nothing, the event loop turning all along", async () => {
    const other = holdLock();
    const started = performance.now();
    const { turns, result } = await turnsDuring(() => INSERT.all(db, ["never", 1]));
    const waited = performance.now() - started;
    other.exec("ROLLBACK");
    other.close();
    expect(result.status).toBe("rejected");
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "SQLITE_BUSY" });
    // It tried until the wait was nearly over (its last pause is at most 50 ms), not once.
    expect(waited).toBeGreaterThanOrEqual(LOCK_WAIT_MS - 100);
    expect(turns).toBeGreaterThanOrEqual(50);
    expect(await points("never")).toEqual([]);
    expect(await points("untouched")).toEqual([7]);
  });

  it("a Prisma transaction may wait for it longer than Prisma's own 2 s to start, within the lock wait", async () => {
    const patient = createDb(database.url, { lockWaitMs: 3000 });
    try {
      await patient.rateLimit.count();
      const other = holdLock();
      setTimeout(() => {
        other.exec("COMMIT");
        other.close();
      }, 2300);
      await patient.$transaction(async (tx) => {
        await tx.rateLimit.create({ data: { key: "prisma-patient", points: 8 } });
      });
    } finally {
      await closeDb(patient);
    }
    expect(await points("prisma-patient")).toEqual([8]);
    expect(await points("untouched")).toEqual([7]);
  });

  it("inside an open Prisma transaction, a lock another process takes meanwhile is waited for in SQLite, not failed at once", async () => {
    await INSERT.all(db, ["driver-first", 1]);
    // Another thread takes the lock once the transaction has begun, and keeps it 300 ms: this thread's wait in SQLite cannot release it.
    const holder = new Worker(
      `const { parentPort, workerData } = require("node:worker_threads");
       const Database = require(workerData.driver);
       parentPort.once("message", () => {
         const other = new Database(workerData.file);
         other.exec("BEGIN IMMEDIATE");
         parentPort.postMessage("locked");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
         other.exec("COMMIT");
         other.close();
       });`,
      { eval: true, workerData: { driver: require.resolve("better-sqlite3"), file: sqlitePath(database.url) } },
    );
    try {
      await db.$transaction(async (tx) => {
        const locked = new Promise((resolve) => holder.once("message", resolve));
        holder.postMessage("lock");
        await locked;
        await tx.rateLimit.create({ data: { key: "prisma-waited", points: 6 } });
      });
    } finally {
      await holder.terminate();
    }
    expect(await points("prisma-waited")).toEqual([6]);
    expect(await points("driver-first")).toEqual([1]);
  });
});
