// npm run dev:postgres: `npm run dev` on PostgreSQL without installing a
// server. An embedded PostgreSQL keeps its data in data/postgres (created on
// first use, kept between runs; delete the folder to start afresh) and its
// log in data/postgres.log; the app uses its database "accounts". Stopping
// the app (Ctrl-C) stops PostgreSQL.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "./postgres-server";

/** Used when free, so that the address stays the same between runs. */
const PREFERRED_PORT = 54320;
const DATA_DIR = path.resolve("data/postgres");
const LOG_FILE = path.resolve("data/postgres.log");

async function main() {
  fs.mkdirSync(path.dirname(DATA_DIR), { recursive: true });
  const server = await startEmbeddedPostgres({ dataDir: DATA_DIR, port: PREFERRED_PORT, logFile: LOG_FILE });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = 'accounts'");
  if (!rowCount) await client.query("CREATE DATABASE accounts");
  await client.end();
  const url = server.url.replace(/\/postgres$/, "/accounts");
  console.log(`[accounts] embedded PostgreSQL ${server.version} in data/postgres (log: data/postgres.log): DATABASE_URL=${url}`);

  const app = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts", "--dev"], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
  // Ctrl-C reaches the app too (same process group); a SIGTERM to this process is passed on.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => app.kill("SIGTERM"));
  app.on("exit", async (code, signal) => {
    await server.stop();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

main().catch((error) => {
  console.error("[accounts] could not start PostgreSQL:", error instanceof Error ? error.message : error);
  process.exit(1);
});
