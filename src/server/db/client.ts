// The Prisma client, created with the driver adapter that DATABASE_URL names.
// Both generated clients come from the same models (prisma/models.prisma), so
// the SQLite client's types describe either.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { databaseKind, type DatabaseKind } from "./database-url";

export type Db = SqliteClient;
export type { Prisma } from "./generated/sqlite/client";

/** Path of a SQLite database named by a file: URL, relative to the working directory. */
export function sqlitePath(url: string): string {
  return path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

const kinds = new WeakMap<Db, DatabaseKind>();

/** Which database a client talks to, for the few queries that differ. */
export function kindOf(db: Db): DatabaseKind {
  return kinds.get(db) ?? "sqlite";
}

export function createDb(url: string): Db {
  let db: Db;
  if (databaseKind(url) === "sqlite") {
    const file = sqlitePath(url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Wait up to 5 s for a lock held by another process (migrations, scripts).
    db = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 }) });
    // A larger page cache keeps index lookups in memory as the tables grow.
    // (Not WAL: the migration engine of the Prisma CLI then cannot take its
    // lock while the app holds a connection, e.g. for npm run admin:create.)
    void db.$queryRawUnsafe("PRAGMA cache_size = -32000").catch(() => undefined);
  } else {
    const adapter = new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
    db = new PostgresClient({ adapter }) as unknown as Db;
  }
  kinds.set(db, databaseKind(url));
  return db;
}
