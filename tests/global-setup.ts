// Migrates one template database per kind before the tests. PostgreSQL must
// be reachable: the suite fails rather than silently skipping it.
import fs from "node:fs";
import { migrate } from "../scripts/migrate";
import { PG_ADMIN_URL, PG_TEMPLATE, SQLITE_TEMPLATE, TEST_DIR, pgAdmin, pgUrl } from "./support/databases";

export default async function setup() {
  fs.rmSync(TEST_DIR, { recursive: true, force: true });
  fs.mkdirSync(TEST_DIR, { recursive: true });
  migrate(`file:${SQLITE_TEMPLATE}`, { quiet: true });

  try {
    await pgAdmin(async (c) => {
      const stale = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'accounts_t\\_%' OR datname = $1",
        [PG_TEMPLATE],
      );
      for (const { datname } of stale.rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${PG_TEMPLATE}`);
    });
  } catch (error) {
    throw new Error(`PostgreSQL is required by the test suite and is not reachable at ${PG_ADMIN_URL}: ${String(error)}`);
  }
  migrate(pgUrl(PG_TEMPLATE), { quiet: true });
}
