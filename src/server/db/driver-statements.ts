// Statements run on the driver beneath Prisma (the same SQLite connection,
// through its transaction gate, and the same PostgreSQL pool), for the few
// hot paths where Prisma's query pipeline costs more CPU than the statement:
// the log-in (login-statements.ts), the rate-limit counters
// (rate-limit-store.ts), session validation's read (sessions.ts) and
// user.info's (users.ts), written once with "?" placeholders; and
// the admin list's pages (pageQuery), whose texts vary per call.
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type Db, driverOf, type Prisma } from "./client";
import { ReaderStopped } from "./reader-thread";

/** DateTime as Prisma's SQLite adapter stores it (ISO 8601 with "+00:00"), so text comparisons order it. */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A Date parameter in the form the database's DateTime columns hold. */
export function dateParameter(db: Db, date: Date): string {
  return driverOf(db).kind === "sqlite" ? sqliteDate(date) : date.toISOString();
}

// Prisma's PostgreSQL columns are "timestamp(3)" without a time zone, holding
// UTC: read them as UTC whatever the server's zone (pg's default would not).
const TIMESTAMP_OID = 1114;
const utcTimestamps = {
  getTypeParser: (oid: number, format: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (text: string) => `${text.replace(" ", "T")}Z` : pg.types.getTypeParser(oid, format),
} as pg.CustomTypesConfig;

/**
 * On PostgreSQL a bookkeeping write commits without waiting for the disk:
 * synchronous_commit off for its own transaction only. Each statement
 * commits alone, so the statement sets it itself, in an expression it is
 * sure to evaluate before its commit. As on SQLite, the log is written in
 * order and the next synchronous commit flushes it too: a crash can lose
 * such writes made in the last fraction of a second, never a change the app
 * has confirmed. Measured in log-in storms: 0.2-0.3 ms less CPU per log-in,
 * in PostgreSQL's processes and the kernel (docs/performance.md).
 */
export const UNSYNCED_COMMIT = `set_config('synchronous_commit', 'off', true)`;

/**
 * Writes as WITH clauses of one statement that returns no rows and commits
 * unsynced: a data-modifying WITH clause runs to completion whether or not
 * its rows are read.
 */
function unsyncedWrites(clauses: string[]): string {
  return `WITH ${clauses.join(", ")}, "unsynced" AS (SELECT ${UNSYNCED_COMMIT} AS "setting") SELECT 1 FROM "unsynced" WHERE "setting" IS NULL`;
}

/** A bookkeeping statement (one INSERT, UPDATE or DELETE) as PostgreSQL runs it: the same rows back, its commit unsynced. */
function unsyncedOnPostgres(sql: string): string {
  return /\bRETURNING\b/i.test(sql)
    ? `WITH "kept" AS (${sql}) SELECT "kept".* FROM "kept" WHERE ${UNSYNCED_COMMIT} IS NOT NULL`
    : unsyncedWrites([`"kept" AS (${sql})`]);
}

/** "?" placeholders as PostgreSQL's "$1", "$2", … */
function numbered(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

const sqlitePrepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();
/** writeTogether's statements on PostgreSQL, by their writes' names joined. */
const pgTogether = new Map<string, string>();

/**
 * Every statement's SQL by its name: two statements under one name would run
 * each other's SQL from the caches below. (The same one twice is a module
 * loaded again, as in development.)
 */
const sqlByName = new Map<string, string>();

/** The statement `key` names on this connection, prepared on first use; at most `keep` are kept. */
function preparedOn(connection: BetterSqlite3.Database, key: string, sql: string, keep = Number.POSITIVE_INFINITY) {
  let statements = sqlitePrepared.get(connection);
  if (!statements) {
    statements = new Map();
    sqlitePrepared.set(connection, statements);
  }
  let statement = statements.get(key);
  if (!statement) {
    if (statements.size >= keep) statements.clear();
    statement = connection.prepare(sql);
    statements.set(key, statement);
  }
  return statement;
}

/** A statement prepared once per connection: SQLite compiles it once, PostgreSQL plans it once per pooled connection. */
export class DriverStatement {
  constructor(
    /** Unique among statements: PostgreSQL names its prepared statements by it. */
    readonly name: string,
    /** With "?" placeholders. */
    readonly sql: string,
    /**
     * A write whose loss in a power cut breaks no promise (a rate-limit
     * count, a new session: its owner logs in again). It does not wait for
     * the disk: on SQLite the next confirmed change syncs it (db/client.ts),
     * on PostgreSQL its commit is asynchronous (UNSYNCED_COMMIT).
     */
    readonly options: {
      bookkeeping?: boolean;
      /** The text PostgreSQL runs instead, where the dialects differ (a row lock SQLite has no words for). */
      postgres?: string;
    } = {},
  ) {
    if (!name || (sqlByName.get(name) ?? sql) !== sql) throw new Error(`a driver statement needs a name of its own, not "${name}"`);
    // Its WITH clause could not hold a data-modifying statement wrapped in another (unsyncedOnPostgres).
    if (options.bookkeeping && /^\s*WITH\b/i.test(sql))
      throw new Error(`bookkeeping statement "${name}" has a WITH clause: set UNSYNCED_COMMIT in it instead`);
    sqlByName.set(name, sql);
  }

  /** Whether the statement only reads (SQLite tells once it is prepared; unknown until its first run). */
  private reads: boolean | undefined;

  /** Every row, as plain objects (DateTimes as ISO strings). */
  async all<Row>(db: Db, values: unknown[]): Promise<Row[]> {
    const driver = driverOf(db);
    if (driver.kind === "sqlite") {
      return driver.run(
        (connection) => {
          const statement = this.sqlite(connection);
          // Not `reader`: an INSERT … RETURNING returns rows but writes.
          this.reads = statement.readonly;
          if (statement.reader) return statement.all(...values) as Row[];
          statement.run(...values);
          return [] as Row[];
        },
        { bookkeeping: this.options.bookkeeping, read: this.reads },
      );
    }
    this.pgText ??= numbered(this.options.bookkeeping ? unsyncedOnPostgres(this.postgresSql) : this.postgresSql);
    const result = await driver.pool.query({ name: this.name, text: this.pgText, values, types: utcTimestamps });
    return result.rows as Row[];
  }

  /** The statement's text on PostgreSQL ("$1" placeholders; a bookkeeping write commits unsynced). */
  private pgText: string | undefined;

  /** Its SQL as PostgreSQL runs it ("?" placeholders). */
  get postgresSql(): string {
    return this.options.postgres ?? this.sql;
  }

  private sqlite(connection: BetterSqlite3.Database): BetterSqlite3.Statement {
    return preparedOn(connection, this.name, this.sql);
  }
}

/** A write and its values, to run with others (writeTogether). */
export type Write = { statement: DriverStatement; values: unknown[] };

/**
 * Writes that commit together or not at all, at the cost of one: on SQLite
 * one transaction (one commit instead of one each), on PostgreSQL one
 * statement, the first writes as WITH clauses of the last (one round trip).
 * Bookkeeping when every write is. PostgreSQL runs a statement's WITH
 * clauses on one snapshot: no two of the writes may change the same row.
 * Returns how many rows the last write returned by its RETURNING clause (a
 * conditional insert: whether it inserted); 0 when it has none.
 */
export async function writeTogether(db: Db, writes: Write[]): Promise<number> {
  const last = writes.at(-1);
  if (!last) return 0;
  if (writes.length === 1) return (await last.statement.all(db, last.values)).length;
  const bookkeeping = writes.every((w) => w.statement.options.bookkeeping);
  const returning = RETURNING.test(last.statement.sql);
  const driver = driverOf(db);
  if (driver.kind === "sqlite") {
    return driver.run(
      (connection) =>
        connection.transaction(() => {
          for (const { statement, values } of writes.slice(0, -1)) preparedOn(connection, statement.name, statement.sql).run(...values);
          const final = preparedOn(connection, last.statement.name, last.statement.sql);
          if (!returning) {
            final.run(...last.values);
            return 0;
          }
          return final.all(...last.values).length;
        })(),
      { bookkeeping },
    );
  }
  const name = writes.map((w) => w.statement.name).join("+");
  let text = pgTogether.get(name);
  if (!text) {
    const clause = (w: Write, i: number) => `"write${i}" AS (${w.statement.postgresSql})`;
    const clauses = writes.map(clause);
    // Bookkeeping: every write a WITH clause, and the statement itself sets its commit unsynced
    // (returning the last write's rows when it has RETURNING).
    const lastRows = `"write${writes.length - 1}"`;
    text = numbered(
      !bookkeeping
        ? `WITH ${clauses.slice(0, -1).join(", ")} ${last.statement.postgresSql}`
        : returning
          ? `WITH ${clauses.join(", ")}, "unsynced" AS (SELECT ${UNSYNCED_COMMIT} AS "setting") SELECT ${lastRows}.* FROM ${lastRows}, "unsynced" WHERE "unsynced"."setting" IS NOT NULL`
          : unsyncedWrites(clauses),
    );
    pgTogether.set(name, text);
  }
  const result = await driver.pool.query({ name, text, values: writes.flatMap((w) => w.values), types: utcTimestamps });
  return returning ? (result.rowCount ?? 0) : 0;
}

const RETURNING = /\bRETURNING\b/i;

/**
 * Statements kept per SQLite connection before the cache starts again: the
 * page statements' texts vary with a page's conditions, within a few hundred.
 */
const STATEMENTS_KEPT = 500;

/**
 * A read whose text is built per call (the admin list's pages: which flags,
 * a cursor or not, which search table). On SQLite it runs on the reader
 * thread's connection (reader-thread.ts), off the event loop, or on the
 * server's own connection when that thread is not running; either way
 * prepared once per connection and text: preparing a statement over the
 * search tables took longer than running it (1.7 ms against 0.2 at 1M
 * users). On PostgreSQL it runs on the pool as an unnamed statement, which
 * PostgreSQL plans with each call's values (a plan kept for any LIKE pattern
 * could pick the wrong index), without Prisma's pipeline (in-process at 1M
 * users the first list page took about a millisecond less).
 */
export async function pageQuery<Row>(db: Db, query: Prisma.Sql): Promise<Row[]> {
  const driver = driverOf(db);
  if (driver.kind !== "sqlite") {
    const values = query.values.map((v) => (v instanceof Date ? v.toISOString() : v));
    return (await driver.pool.query({ text: query.text, values, types: utcTimestamps })).rows as Row[];
  }
  const values = query.values.map((v) => (v instanceof Date ? sqliteDate(v) : typeof v === "boolean" ? Number(v) : v));
  try {
    return await driver.reader.all<Row>(query.sql, values);
  } catch (error) {
    if (!(error instanceof ReaderStopped)) throw error;
  }
  // Keyed by the text itself: a statement's name never holds SQL.
  return driver.run((connection) => preparedOn(connection, query.sql, query.sql, STATEMENTS_KEPT).all(...values) as Row[], { read: true });
}
