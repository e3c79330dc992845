// Loads the benchmark's directory straight through the database drivers, in
// large transactions, without Prisma: a million users, their logins and
// sessions in well under two minutes (through Prisma's createMany it took
// far longer). The rows are what the app itself writes: DateTimes as Prisma
// stores them, the search tables kept by the migrations' triggers.
import os from "node:os";
import Database from "better-sqlite3";
import pg from "pg";
import { hashToken } from "../src/server/auth/secret-token";
import { sqlitePath } from "../src/server/db/client";
import { databaseKind } from "../src/server/db/database-url";
import { sqliteDate } from "../src/server/db/driver-statements";
import { HOT_TIER_SIZE, SPLIT_USER_SEARCH_TIERS } from "../src/server/db/user-search-tiers";
import { type DirectoryUser, directoryUser } from "./bench-directory";

const ROWS_PER_TRANSACTION = 20_000;

export type SeedOptions = {
  /** Users [from, to) of the directory, oldest first, one second apart, the newest a second ago. */
  from: number;
  to: number;
  passwordHash: string;
  /** Users given by index instead of the directory's (the one person a search probe looks for). */
  people?: Map<number, DirectoryUser>;
  /** Users per transaction (tests load few users in many transactions). */
  rowsPerTransaction?: number;
};

/** The SQLite search tables (migration 20261128000000_user_search_folded). */
const SEARCH_TABLES = ["UserSearch", "UserWordSearch"];

const userId = (index: number) => `bench-user-${String(index).padStart(7, "0")}`;

type Row = { id: string; name: string; email: string; createdAt: Date; tokenHash: string };

function* rows({ from, to, people, rowsPerTransaction = ROWS_PER_TRANSACTION }: SeedOptions): Generator<Row[]> {
  const now = Date.now();
  for (let start = from; start < to; start += rowsPerTransaction) {
    const batch: Row[] = [];
    for (let i = start; i < Math.min(to, start + rowsPerTransaction); i++) {
      const person = people?.get(i) ?? directoryUser(i);
      const id = userId(i);
      batch.push({ id, ...person, createdAt: new Date(now - (to - i) * 1000), tokenHash: hashToken(`bench-session-${i}`) });
    }
    yield batch;
  }
}

/** Seeds users, each with a verified login and a day-long session (token `bench-session-<index>`). */
export async function seedDirectory(url: string, options: SeedOptions): Promise<void> {
  if (databaseKind(url) === "sqlite") seedSqlite(url, options);
  else await seedPostgres(url, options);
}

function seedSqlite(url: string, options: SeedOptions) {
  const db = new Database(sqlitePath(url));
  // A throwaway database loaded once: no sync per commit, a large page cache
  // for the indexes (the server opens it with its own settings afterwards).
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -262144");
  const user = db.prepare(`INSERT INTO "User" ("id", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?)`);
  const login = db.prepare(
    `INSERT INTO "Login" ("id", "userId", "email", "passwordHash", "emailVerifiedAt", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const session = db.prepare(
    `INSERT INTO "Session" ("id", "tokenHash", "userId", "createdAt", "expiresAt", "lastUsedAt") VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const expires = sqliteDate(new Date(Date.now() + 86_400_000));
  const insert = db.transaction((batch: Row[]) => {
    for (const r of batch) {
      const at = sqliteDate(r.createdAt);
      user.run(r.id, r.name, at, at);
      login.run(`login-${r.id}`, r.id, r.email, options.passwordHash, at, at, at);
      session.run(`session-${r.id}`, r.tokenHash, r.id, at, expires, at);
    }
  });
  // The search tables' triggers index user by user, and the secondary
  // indexes take random keys (addresses, token hashes): filling the search
  // tables once after the load and building the indexes from sorted keys is
  // much faster (measured at 1M users: 183 s with both kept, on a busy machine).
  const triggers = db
    .prepare(`SELECT "name", "sql" FROM sqlite_master WHERE type = 'trigger' AND "name" LIKE '%\\_search\\_%' ESCAPE '\\'`)
    .all() as { name: string; sql: string }[];
  const indexes = db
    .prepare(
      `SELECT "name", "sql" FROM sqlite_master WHERE type = 'index' AND "sql" IS NOT NULL AND "tbl_name" IN ('User', 'Login', 'Session')`,
    )
    .all() as { name: string; sql: string }[];
  try {
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
    for (const batch of rows(options)) insert(batch);
    for (const index of indexes) db.exec(index.sql);
    for (const table of SEARCH_TABLES) {
      // Merged once at the end into one segment, not step by step during the
      // fill: at 1M users a search read 8-14 ms in the segments the fill left, 0.7-1.2 ms after 'optimize'.
      db.exec(`INSERT INTO "${table}" ("${table}", "rank") VALUES ('automerge', 0)`);
      db.prepare(
        `INSERT INTO "${table}" ("rowid", "userId", "name", "email") SELECT "key", "userId", "name", "email" FROM "UserSearchSource" WHERE "userId" BETWEEN ? AND ?`,
      ).run(userId(options.from), userId(options.to - 1));
      db.exec(`INSERT INTO "${table}" ("${table}") VALUES ('optimize')`);
      db.exec(`INSERT INTO "${table}" ("${table}", "rank") VALUES ('automerge', 4)`);
    }
  } finally {
    for (const index of indexes) db.exec(index.sql.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS "));
    for (const t of triggers) db.exec(t.sql);
    db.close();
  }
}

/** Runs the tasks with at most `width` at a time; rejects with the first failure once all have settled. */
async function inParallel(width: number, tasks: Iterable<() => Promise<void>>): Promise<void> {
  const iterator = tasks[Symbol.iterator]();
  const failures: unknown[] = [];
  const lane = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (failures.length > 0) return;
      await next.value().catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  if (failures.length > 0) throw failures[0];
}

async function seedPostgres(url: string, options: SeedOptions) {
  // PostgreSQL runs one statement on one core: the load, the search fill and
  // the index builds each run on as many connections as the machine has cores
  // (at 1M users on 2 cores, measured back to back: 95 s on one connection, 62 s on two).
  const width = Math.max(2, os.availableParallelism());
  const pool = new pg.Pool({ connectionString: url, max: width });
  const query = (text: string, values?: unknown[]) => pool.query(text, values);
  const expires = new Date(Date.now() + 86_400_000).toISOString();
  // As on SQLite: the search triggers off and the secondary indexes dropped
  // during the load; the tables' indexes built once after it, then
  // "UserSearch" filled (its source joins "Login" by "userId") and indexed.
  const secondaryIndexes = async (tables: string[]) =>
    (
      await query(`SELECT "indexname", "indexdef" FROM pg_indexes WHERE "tablename" = ANY($1) AND "indexname" NOT LIKE '%\\_pkey'`, [
        tables,
      ])
    ).rows as { indexname: string; indexdef: string }[];
  const indexes = await secondaryIndexes(["User", "Login", "Session"]);
  const searchIndexes = await secondaryIndexes(["UserSearch"]);
  await query(`ALTER TABLE "User" DISABLE TRIGGER "User_search_sync"`);
  await query(`ALTER TABLE "Login" DISABLE TRIGGER "Login_search_sync"`);
  for (const index of [...indexes, ...searchIndexes]) await query(`DROP INDEX "${index.indexname}"`);
  // The longest build first, so that the others share the remaining cores beside it.
  const rebuild = (list: typeof indexes) =>
    inParallel(
      width,
      list
        .splice(0)
        .sort((a, b) => Number(b.indexdef.includes("USING gin")) - Number(a.indexdef.includes("USING gin")))
        .map((index) => async () => {
          await query(index.indexdef.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS "));
        }),
    );
  const load = async (batch: Row[]) => {
    const ids = batch.map((r) => r.id);
    const at = batch.map((r) => r.createdAt.toISOString());
    const client = await pool.connect();
    // A connection whose rollback failed is closed, not handed to the next batch.
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO "User" ("id", "name", "createdAt", "updatedAt")
         SELECT id, name, at, at FROM unnest($1::text[], $2::text[], $3::timestamp(3)[]) AS t(id, name, at)`,
        [ids, batch.map((r) => r.name), at],
      );
      await client.query(
        `INSERT INTO "Login" ("id", "userId", "email", "passwordHash", "emailVerifiedAt", "createdAt", "updatedAt")
         SELECT 'login-' || id, id, email, $3, at, at, at FROM unnest($1::text[], $2::text[], $4::timestamp(3)[]) AS t(id, email, at)`,
        [ids, batch.map((r) => r.email), options.passwordHash, at],
      );
      await client.query(
        `INSERT INTO "Session" ("id", "tokenHash", "userId", "createdAt", "expiresAt", "lastUsedAt")
         SELECT 'session-' || id, hash, id, at, $3::timestamp(3), at FROM unnest($1::text[], $2::text[], $4::timestamp(3)[]) AS t(id, hash, at)`,
        [ids, batch.map((r) => r.tokenHash), expires, at],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  };
  try {
    // Each batch is made only when a connection is free for it.
    await inParallel(
      width,
      (function* () {
        for (const batch of rows(options)) yield () => load(batch);
      })(),
    );
    await rebuild(indexes);
    // The search rows in ranges of users, one range per connection at a time.
    const span = (options.rowsPerTransaction ?? ROWS_PER_TRANSACTION) * 5;
    const ranges = (function* () {
      for (let from = options.from; from < options.to; from += span) {
        const to = Math.min(options.to, from + span) - 1;
        yield async () => {
          await query(
            `INSERT INTO "UserSearch" ("userId", "createdAt", "text", "words")
             SELECT "userId", "createdAt", "text", "words" FROM "UserSearchSource" WHERE "userId" BETWEEN $1 AND $2`,
            [userId(from), userId(to)],
          );
        };
      }
    })();
    await inParallel(width, ranges);
    // Its two tiers as the pruning round leaves them (src/server/db/user-search-tiers.ts).
    for (const statement of SPLIT_USER_SEARCH_TIERS) await query(statement, statement.includes("$1") ? [HOT_TIER_SIZE] : []);
    await rebuild(searchIndexes);
    await query(`VACUUM ANALYZE "UserSearch"`);
  } finally {
    await rebuild(indexes);
    await rebuild(searchIndexes);
    await query(`ALTER TABLE "User" ENABLE TRIGGER "User_search_sync"`);
    await query(`ALTER TABLE "Login" ENABLE TRIGGER "Login_search_sync"`);
    await pool.end();
  }
}
