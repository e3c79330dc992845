// Prisma CLI configuration. Runs the schema engine in WebAssembly through a
// driver adapter (nothing is downloaded), and picks the schema folder and the
// adapter from DATABASE_URL: file: is SQLite, postgres(ql):// is PostgreSQL.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { DEFAULT_DATABASE_URL, databaseKind } from "./src/server/db/database-url";

const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
const kind = databaseKind(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", kind),
  migrations: { path: path.join("prisma", kind, "migrations") },
  adapter: async () =>
    kind === "sqlite" ? new PrismaBetterSQLite3({ url }) : new PrismaPg({ connectionString: url, allowExitOnIdle: true }),
});
