// After a mass pruning (a night's sessions expired at once) and the vacuum
// that follows it, PostgreSQL's statistics say the Session table holds a
// handful of rows while its indexes keep their size. The planner then prices
// a lookup through the token's unique index at (index pages ÷ rows) page
// reads, more than reading the whole table, and every validation read every
// page of it: at 1M pruned sessions, 17-39 validations a second instead of
// 1,445 (docs/performance.md). The server's connections never choose a
// whole-table read where an index answers, and compile no plan (db/client.ts).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, driverOf } from "@/server/db/client";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/databases";

const SESSIONS = 20_000;
const KEPT = 2;

describe.runIf(testDbKind() === "postgres")("PostgreSQL's plans once most sessions are pruned", () => {
  let database: TestDatabase;
  let db: Db;
  let plain: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    db = database.db;
    await db.user.create({ data: { id: "pruned-owner", name: "Owner" } });
    await db.user.create({ data: { id: "untouched-owner", name: "Other" } });
    plain = new pg.Client({ connectionString: database.url });
    await plain.connect();
    await plain.query(
      `INSERT INTO "Session" ("id", "tokenHash", "userId", "expiresAt")
       SELECT 'pruned-' || i, md5('pruned-' || i), 'pruned-owner', now() - interval '1 hour' FROM generate_series(1, $1) AS i`,
      [SESSIONS],
    );
    await plain.query(
      `INSERT INTO "Session" ("id", "tokenHash", "userId", "expiresAt")
       SELECT 'kept-' || i, md5('kept-' || i), 'untouched-owner', now() + interval '1 hour' FROM generate_series(1, $1) AS i`,
      [KEPT],
    );
    await plain.query(`DELETE FROM "Session" WHERE "id" LIKE 'pruned-%'`);
    await plain.query(`VACUUM (ANALYZE) "Session"`);
  });
  afterAll(async () => {
    await plain.end();
    await database.drop();
  });

  /** Validation's lookup (db/sessions.ts): a session by its token's hash, through a unique index. */
  const LOOKUP = `SELECT "id", "userId" FROM "Session" WHERE "tokenHash" = $1`;
  const explain = async (client: { query: pg.Client["query"] }, statement: string, values: unknown[] = []) =>
    (await client.query(`EXPLAIN ${statement}`, values)).rows.map((r: { "QUERY PLAN": string }) => r["QUERY PLAN"]).join("\n");
  const planOf = (client: { query: pg.Client["query"] }) => explain(client, LOOKUP, ["a token's hash"]);

  it("the statistics are those of the trap: a few rows, an index of the size before", async () => {
    const { rows } = await plain.query(`SELECT "reltuples", "relpages" FROM pg_class WHERE relname = 'Session_tokenHash_key'`);
    expect(Number(rows[0].reltuples)).toBeLessThanOrEqual(KEPT);
    expect(Number(rows[0].relpages)).toBeGreaterThan(50);
  });

  it("a connection with PostgreSQL's defaults reads the whole table for one session", async () => {
    expect(await planOf(plain)).toMatch(/Seq Scan on "Session"/);
  });

  it("every connection of the server's pool finds it through the token's index, and compiles no plan", async () => {
    const driver = driverOf(db);
    if (driver.kind !== "postgres") throw new Error("a PostgreSQL test");
    const clients = await Promise.all([driver.pool.connect(), driver.pool.connect(), driver.pool.connect()]);
    try {
      for (const client of clients) {
        const text = await planOf(client);
        expect(text).not.toMatch(/Seq Scan/);
        expect(text).toMatch(/Index (Only )?Scan (using|on) "Session_tokenHash_key"/);
        // A table with no index to use is still read whole, and not compiled:
        // such a plan's cost passes jit_above_cost (140 ms a statement).
        const whole = await explain(client, `(ANALYZE) SELECT count(*) FROM "UserSearchTier" WHERE "coldUntilAt" IS NULL`);
        expect(whole).toMatch(/Seq Scan on "UserSearchTier"/);
        expect(whole).not.toMatch(/JIT/);
        expect((await client.query("SHOW jit")).rows[0].jit).toBe("off");
      }
    } finally {
      for (const client of clients) client.release();
    }
  });

  it("the sessions left are found, and nothing else changed", async () => {
    expect((await db.session.findMany({ orderBy: { id: "asc" } })).map((s) => [s.id, s.userId])).toEqual([
      ["kept-1", "untouched-owner"],
      ["kept-2", "untouched-owner"],
    ]);
  });
});
