// Migrates one template database per kind before the tests. The postgres
// project uses the server at TEST_POSTGRES_URL (default 127.0.0.1:5432) when
// it answers, and otherwise an embedded PostgreSQL started for this run
// (scripts/postgres-server.ts); it tells the test workers which.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { DEFAULT_POSTGRES_URL, findOrStartPostgres } from "../scripts/postgres-server";
import { migrate } from "../src/server/db/migrate";
import { PG_TEMPLATE, PG_TEST_PREFIX, pgAdmin, pgUrl, SQLITE_TEMPLATE, TEST_DIR } from "./support/databases";

/**
 * Runs once per project (sqlite, postgres): prepares only that kind. Vitest
 * also runs it for the root project, which has no tests: that run prepares
 * the server build tests/platform/boot.test.ts starts.
 */
export default async function setup(project: TestProject) {
  if (project.name !== "sqlite" && project.name !== "postgres") return prepareServerBuild();
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
      const stale = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1) OR datname = $2", [
        PG_TEST_PREFIX,
        PG_TEMPLATE,
      ]);
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

/**
 * The build the server tests start: the compiled entry (dist/serve.js) is
 * rebuilt every run (under a second, so it is never stale); Next.js's
 * production build only when there is none (`npm test` builds first).
 */
function prepareServerBuild() {
  if (!fs.existsSync(".next/BUILD_ID")) {
    console.log(
      "[tests] no production build in .next: running `next build` for tests/platform/boot.test.ts (a few minutes; log in data/build.log)",
    );
    fs.mkdirSync("data", { recursive: true });
    const log = fs.openSync("data/build.log", "w");
    const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
      stdio: ["ignore", log, log],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    fs.closeSync(log);
    if (build.status !== 0) throw new Error("next build failed: see data/build.log");
  }
  const entry = spawnSync(process.execPath, ["scripts/build-server.mjs"], { stdio: "inherit" });
  if (entry.status !== 0) throw new Error("compiling the server entry (scripts/build-server.mjs) failed");
}
