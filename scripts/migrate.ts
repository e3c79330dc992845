// Applies pending migrations to the database DATABASE_URL names, with the
// Prisma CLI (its WebAssembly schema engine, see prisma.config.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { databaseKind } from "../src/server/db/database-url";
import { sqlitePath } from "../src/server/db/client";

export function migrate(databaseUrl: string, options: { quiet?: boolean } = {}): void {
  if (databaseKind(databaseUrl) === "sqlite") fs.mkdirSync(path.dirname(sqlitePath(databaseUrl)), { recursive: true });
  const prisma = path.resolve("node_modules/prisma/build/index.js");
  const result = spawnSync(process.execPath, [prisma, "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: options.quiet ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const output = options.quiet ? `\n${result.stdout}\n${result.stderr}` : "";
    throw new Error(`prisma migrate deploy failed for ${databaseKind(databaseUrl)}${output}`);
  }
}
