// SQLite's checkpoints run on a thread of their own (src/server/db/wal-checkpoints.ts):
// the server's connection never copies the log back into the database file
// on a commit, the thread does, every second; stopping gives them back.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqlitePath } from "@/server/db/client";
import { startWalCheckpoints } from "@/server/db/wal-checkpoints";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/databases";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const autocheckpoint = async () =>
  Number(
    (await database.db.$queryRawUnsafe<{ wal_autocheckpoint: number | bigint }[]>("PRAGMA wal_autocheckpoint"))[0]!.wal_autocheckpoint,
  );

describe.runIf(testDbKind() === "sqlite")("SQLite checkpoints on their own thread", () => {
  it("the connection stops checkpointing, the thread copies the log into the file, and stopping gives them back", async () => {
    expect(await autocheckpoint()).toBe(1000);
    const stop = await startWalCheckpoints(database.db, database.url);
    try {
      expect(await autocheckpoint()).toBe(0);
      const file = sqlitePath(database.url);
      const before = fs.statSync(file).size;
      // About 2 MB of new pages: past 1,000 pages of log, where the connection would have checkpointed itself.
      for (let i = 0; i < 40; i++) {
        await database.db.user.createMany({ data: Array.from({ length: 25 }, (_, j) => ({ name: `Wal ${i}-${j} ${"x".repeat(2000)}` })) });
      }
      // Within a few rounds of the thread, the database file holds the new pages
      // (a round that ran during the writes copies only part of them: wait for all).
      const deadline = Date.now() + 20_000;
      while (fs.statSync(file).size <= before + 1_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(fs.statSync(file).size).toBeGreaterThan(before + 1_000_000);
    } finally {
      await stop();
    }
    expect(await autocheckpoint()).toBe(1000);
    expect(await database.db.user.count({ where: { name: { startsWith: "Wal " } } })).toBe(1000);
  });
});
