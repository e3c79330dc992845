// Applies pending migrations to the database DATABASE_URL names, with the
// Prisma CLI (its WebAssembly schema engine, see prisma.config.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { sqlitePath } from "./client";
import { type DatabaseKind, databaseKind } from "./database-url";

// The CLI prints one of these once every migration is committed.
const DONE = /All migrations have been successfully applied|No pending migrations to apply/;

/** The committed migrations of one kind of database, by folder name. */
function committedMigrations(kind: DatabaseKind): string[] {
  const dir = path.resolve("prisma", kind, "migrations");
  return fs.readdirSync(dir).filter((name) => fs.existsSync(path.join(dir, name, "migration.sql")));
}

/**
 * Whether every committed migration is recorded as applied. Read with the
 * app's own client: the Prisma CLI cannot take its lock on a SQLite database
 * in WAL mode while a server holds it open, so an up-to-date database must
 * not need the CLI at all (a second instance, npm run admin:create).
 */
async function upToDate(databaseUrl: string): Promise<boolean> {
  const kind = databaseKind(databaseUrl);
  try {
    const applied = new Set(await appliedMigrations(databaseUrl));
    return committedMigrations(kind).every((name) => applied.has(name));
  } catch {
    return false; // no database file or migrations table yet, or not reachable: let the CLI say why
  }
}

const APPLIED = `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`;

/**
 * The applied migrations' names, read on the bare driver: a Prisma client
 * here would build its WebAssembly query compiler a second time at every
 * start (about 170 ms and 28 MB that stayed with the process).
 */
async function appliedMigrations(databaseUrl: string): Promise<string[]> {
  if (databaseKind(databaseUrl) === "sqlite") {
    const connection = new BetterSqlite3(sqlitePath(databaseUrl), { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      return (connection.prepare(APPLIED).all() as { migration_name: string }[]).map((r) => r.migration_name);
    } finally {
      connection.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<{ migration_name: string }>(APPLIED)).rows.map((r) => r.migration_name);
  } finally {
    await client.end();
  }
}

export async function migrate(databaseUrl: string, options: { quiet?: boolean } = {}): Promise<void> {
  if (await upToDate(databaseUrl)) {
    if (!options.quiet) console.log("No pending migrations to apply.");
    return;
  }
  return applyWithCli(databaseUrl, options);
}

function applyWithCli(databaseUrl: string, options: { quiet?: boolean }): Promise<void> {
  if (databaseKind(databaseUrl) === "sqlite") fs.mkdirSync(path.dirname(sqlitePath(databaseUrl)), { recursive: true });
  const cli = path.resolve("node_modules/prisma/build/index.js");
  const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let done = false;
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (!options.quiet) process.stdout.write(chunk);
    // The Postgres schema engine leaves a 10 s timer running after its work
    // is done; stop the CLI as soon as it reports success instead of waiting.
    if (!done && DONE.test(output)) {
      done = true;
      setTimeout(() => child.kill(), 100);
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (done || code === 0) resolve();
      else if (/SocketTimeout|SQLITE_BUSY|database is locked/.test(output))
        reject(new Error("The SQLite database is in use by a running server: stop it, then apply the migrations (npm run db:migrate)."));
      else reject(new Error(`prisma migrate deploy failed for ${databaseKind(databaseUrl)} (exit ${code})\n${output}`));
    });
  });
}
