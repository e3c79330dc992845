// How PostgreSQL commits the statements some work sends on the driver's pool
// (db/driver-statements.ts): while the work runs, each named statement runs
// inside a transaction of its own, and synchronous_commit is read after it,
// before that transaction commits. A bookkeeping write sets it to "off" for
// its own transaction; any other statement leaves the server's "on".
import type pg from "pg";
import { vi } from "vitest";
import { type Db, driverOf } from "@/server/db/client";

type Named = pg.QueryConfig & { name: string };
const isNamed = (config: unknown): config is Named => typeof config === "object" && config !== null && "name" in config;

/** The synchronous_commit each named statement leaves in its transaction, by statement name, in the order sent. */
export async function commitSettings(db: Db, work: () => Promise<unknown>): Promise<[name: string, setting: string][]> {
  const driver = driverOf(db);
  if (driver.kind !== "postgres") throw new Error("a PostgreSQL setting");
  const pool = driver.pool;
  const settings: [string, string][] = [];
  const setting = async (client: pg.PoolClient) =>
    (await client.query<{ s: string }>(`SELECT current_setting('synchronous_commit') AS s`)).rows[0]!.s;
  const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  const query = vi.spyOn(pool, "query").mockImplementation((async (...args: unknown[]) => {
    const [config] = args;
    if (!isNamed(config)) return original(...args);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const before = await setting(client);
      if (before !== "on") throw new Error(`the server's own setting is "${before}", not "on"`);
      const result = await client.query(config);
      settings.push([config.name, await setting(client)]);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    } finally {
      client.release();
    }
  }) as never);
  try {
    await work();
  } finally {
    query.mockRestore();
  }
  return settings;
}
