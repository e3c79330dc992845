// Applies pending migrations to the database DATABASE_URL names, with the
// Prisma CLI (its WebAssembly schema engine, see prisma.config.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { databaseKind } from "../src/server/db/database-url";
import { sqlitePath } from "../src/server/db/client";

// The CLI prints one of these once every migration is committed.
const DONE = /All migrations have been successfully applied|No pending migrations to apply/;

export function migrate(databaseUrl: string, options: { quiet?: boolean } = {}): Promise<void> {
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
      else reject(new Error(`prisma migrate deploy failed for ${databaseKind(databaseUrl)} (exit ${code})\n${output}`));
    });
  });
}
