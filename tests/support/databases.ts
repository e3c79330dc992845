// Throwaway databases for tests: each test file gets its own copy of a
// migrated template (a file copy for SQLite, CREATE DATABASE … TEMPLATE for
// PostgreSQL), so files run in parallel without seeing each other's rows.

import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb, createDb, type Db } from "@/server/db/client";

export type TestDbKind = "sqlite" | "postgres";

/** Mutation testing runs a test runner per worker in one folder: each keeps its own databases. */
const MUTATION_WORKER = process.env.STRYKER_MUTATOR_WORKER;
export const TEST_DIR = path.resolve(MUTATION_WORKER === undefined ? "data/test" : `data/test-mutation-${MUTATION_WORKER}`);
export const SQLITE_TEMPLATE = path.join(TEST_DIR, "template.db");
/**
 * PostgreSQL names are tagged with this checkout's folder, so that two
 * checkouts testing at once on one server never drop each other's databases.
 */
const CHECKOUT_TAG = createHash("sha256")
  .update(`${process.cwd()} ${MUTATION_WORKER ?? ""}`)
  .digest("hex")
  .slice(0, 8);
export const PG_TEST_PREFIX = `accounts_t${CHECKOUT_TAG}_`;
export const PG_TEMPLATE = `accounts_tpl${CHECKOUT_TAG}`;

export function testDbKind(): TestDbKind {
  return process.env.TEST_DB === "postgres" ? "postgres" : "sqlite";
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The PostgreSQL server of this run, as tests/global-setup.ts chose it (a running one or an embedded one). */
    postgresAdminUrl: string;
  }
}

/** In a test worker: where the postgres project's databases live. */
function pgAdminUrl(): string {
  const url = inject("postgresAdminUrl");
  if (!url) throw new Error("no PostgreSQL server was provided by tests/global-setup.ts (only the postgres project has one)");
  return url;
}

export function pgUrl(database: string, adminUrl = pgAdminUrl()): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function pgAdmin<T>(fn: (client: pg.Client) => Promise<T>, adminUrl = pgAdminUrl()): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export type TestDatabase = { url: string; db: Db; drop: () => Promise<void> };

export async function createTestDatabase(kind: TestDbKind = testDbKind()): Promise<TestDatabase> {
  const id = randomBytes(6).toString("hex");
  if (kind === "sqlite") {
    const file = path.join(TEST_DIR, `t-${id}.db`);
    fs.copyFileSync(SQLITE_TEMPLATE, file);
    const url = `file:${file}`;
    const db = createDb(url);
    return {
      url,
      db,
      drop: async () => {
        await closeDb(db);
        for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
      },
    };
  }
  const name = `${PG_TEST_PREFIX}${id}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE}`));
  const url = pgUrl(name);
  const db = createDb(url);
  return {
    url,
    db,
    drop: async () => {
      await closeDb(db);
      await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** A test file's own database, created before its tests and dropped after: call at the top level. */
export function fileDatabase(): () => Db {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());
  return () => database.db;
}
