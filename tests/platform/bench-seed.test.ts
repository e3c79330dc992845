// The benchmark's loader (scripts/bench-seed.ts): it drops the search
// triggers and the secondary indexes for the load and loads on several
// connections at once, so it must leave the schema as the migrations made it,
// every user searchable, and the triggers working, also when it fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import { findUserPage } from "@/server/db/user-search";
import { directoryUser } from "../../scripts/bench-directory";
import { seedDirectory } from "../../scripts/bench-seed";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/databases";

const USERS = 1_200;
const OPTIONS = { from: 0, to: USERS, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2VlZA$aGFzaA", rowsPerTransaction: 100 };

/** Indexes and triggers, with their definitions and whether each trigger fires. */
function schema(db: Db): Promise<unknown[]> {
  return testDbKind() === "sqlite"
    ? db.$queryRawUnsafe(`SELECT "type", "name", "sql" FROM sqlite_master WHERE "type" IN ('index', 'trigger') ORDER BY "name"`)
    : db.$queryRawUnsafe(
        `SELECT "indexdef" AS "definition" FROM pg_indexes WHERE "schemaname" = 'public'
         UNION ALL SELECT "tgname" || ' ' || "tgenabled"::text FROM pg_trigger WHERE NOT "tgisinternal" ORDER BY 1`,
      );
}

const search = async (db: Db, query: string, take = 10) =>
  (await findUserPage(db, { query, flags: [], after: null, take })).map((u) => u.id);

let database: TestDatabase;
let before: unknown[];
beforeAll(async () => {
  database = await createTestDatabase();
  before = await schema(database.db);
  await seedDirectory(database.url, OPTIONS);
});
afterAll(() => database.drop());

describe("the benchmark's loader", () => {
  it("loads every user with a login and a session, and leaves the indexes and triggers as the migrations made them", async () => {
    expect(await database.db.user.count()).toBe(USERS);
    expect(await database.db.login.count()).toBe(USERS);
    expect(await database.db.session.count()).toBe(USERS);
    expect(before.length).toBeGreaterThan(10);
    expect(await schema(database.db)).toEqual(before);
  });

  it("makes every user searchable, from the first batch to the last", async () => {
    expect(await search(database.db, ".example", USERS + 10)).toHaveLength(USERS);
    for (const index of [0, 99, 100, 643, USERS - 1]) {
      expect(await search(database.db, directoryUser(index).email)).toEqual([`bench-user-${String(index).padStart(7, "0")}`]);
    }
  });

  it("turns the search triggers back on: a user added afterwards is found", async () => {
    await database.db.user.create({
      data: { id: "after-seed", name: "Zebulon Afterward", login: { create: { email: "zebulon@after.example", passwordHash: "x" } } },
    });
    expect(await search(database.db, "zebulon afterw")).toEqual(["after-seed"]);
  });

  it("when a load fails, rejects and still leaves the indexes and triggers in place", async () => {
    // The same users again: their ids are taken, so a batch fails.
    await expect(seedDirectory(database.url, OPTIONS)).rejects.toThrow();
    expect(await schema(database.db)).toEqual(before);
    expect(await database.db.user.count()).toBe(USERS + 1);
  });
});
