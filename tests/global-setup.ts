// Migrates one template database per kind before the tests. PostgreSQL must
// be reachable: the suite fails rather than silently skipping it.
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../scripts/migrate";
import { PG_ADMIN_URL, PG_TEMPLATE, PG_TEST_PREFIX, SQLITE_TEMPLATE, TEST_DIR, pgAdmin, pgUrl } from "./support/databases";

/** Runs once per project (sqlite, postgres): prepares only that kind. */
export default async function setup(project: TestProject) {
  if (project.name === "sqlite") {
    fs.mkdirSync(TEST_DIR, { recursive: true });
    for (const file of fs.readdirSync(TEST_DIR)) fs.rmSync(path.join(TEST_DIR, file), { force: true });
    await migrate(`file:${SQLITE_TEMPLATE}`, { quiet: true });
    return;
  }

  try {
    await pgAdmin(async (c) => {
      const stale = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2",
        [PG_TEST_PREFIX, PG_TEMPLATE],
      );
      for (const { datname } of stale.rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${PG_TEMPLATE}`);
    });
  } catch (error) {
    throw new Error(`PostgreSQL is required by the test suite and is not reachable at ${PG_ADMIN_URL}: ${String(error)}`);
  }
  await migrate(pgUrl(PG_TEMPLATE), { quiet: true });
}
