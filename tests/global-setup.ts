// Migrates one template database per kind before the tests. The postgres
// project uses the server at TEST_POSTGRES_URL (default 127.0.0.1:5432) when
// it answers, and otherwise an embedded PostgreSQL started for this run
// (scripts/postgres-server.ts); it tells the test workers which.
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../scripts/migrate";
import { DEFAULT_POSTGRES_URL, findOrStartPostgres } from "../scripts/postgres-server";
import { PG_TEMPLATE, PG_TEST_PREFIX, SQLITE_TEMPLATE, TEST_DIR, pgAdmin, pgUrl } from "./support/databases";

/** Runs once per project (sqlite, postgres): prepares only that kind. Vitest also runs it for the root project, which has no tests. */
export default async function setup(project: TestProject) {
  if (project.name === "sqlite") {
    fs.mkdirSync(TEST_DIR, { recursive: true });
    for (const file of fs.readdirSync(TEST_DIR)) fs.rmSync(path.join(TEST_DIR, file), { force: true });
    await migrate(`file:${SQLITE_TEMPLATE}`, { quiet: true });
    return;
  }
  if (project.name !== "postgres") return;

  const wanted = process.env.TEST_POSTGRES_URL;
  const server = await findOrStartPostgres({ url: wanted || DEFAULT_POSTGRES_URL, explicit: !!wanted }, { disposable: true });
  console.log(`[tests] PostgreSQL project: ${server.description}`);
  try {
    await pgAdmin(async (c) => {
      const stale = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2",
        [PG_TEST_PREFIX, PG_TEMPLATE],
      );
      for (const { datname } of stale.rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${PG_TEMPLATE}`);
    }, server.url);
    await migrate(pgUrl(PG_TEMPLATE, server.url), { quiet: true });
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide("postgresAdminUrl", server.url);
  return () => server.stop();
}
