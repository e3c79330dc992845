// The Prisma client, created with the driver adapter that DATABASE_URL names.
// Both generated clients come from the same models (prisma/models.prisma), so
// the SQLite client's types describe either.
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { type DatabaseKind, databaseKind } from "./database-url";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { ReaderThread } from "./reader-thread";

export type Db = SqliteClient;
// The SQL helpers (Prisma.sql, join, raw) are the same runtime for both clients.
export { Prisma } from "./generated/sqlite/client";

/** Path of a SQLite database named by a file: URL, relative to the working directory. */
export function sqlitePath(url: string): string {
  return path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
}

/**
 * The driver beneath a client, for the few statements run on it directly
 * (db/login-statements.ts): the very SQLite connection or PostgreSQL pool
 * that Prisma's own queries use.
 */
export type Driver =
  | {
      kind: "sqlite";
      /**
       * Runs synchronous work on the connection once no transaction is open
       * on it (see TransactionGate). `bookkeeping`: its writes need not wait
       * for the disk; `read`: it writes nothing (SqliteAdapterFactory.commitAs).
       */
      run: <T>(work: (connection: BetterSqlite3.Database) => T, options?: RunOptions) => Promise<T>;
      /** A read-only connection on a thread of its own, for the admin directory's reads (reader-thread.ts). */
      reader: ReaderThread;
    }
  | { kind: "postgres"; pool: pg.Pool };

// Next.js bundles its own copy of this module for the pages (booted-app.ts),
// which must find the drivers of the clients the server entry made: the
// registry lives on globalThis, where both copies see it.
const DRIVERS = Symbol.for("accounts.db.drivers");
const holder = globalThis as { [DRIVERS]?: WeakMap<Db, Driver> };
holder[DRIVERS] ??= new WeakMap();
const drivers: WeakMap<Db, Driver> = holder[DRIVERS];

export function driverOf(db: Db): Driver {
  const driver = drivers.get(db);
  if (!driver) throw new Error("this client was not made by createDb");
  return driver;
}

/** A client extended with `$extends` runs on its base's driver: say so, so driver statements work on it too. */
export function onDriverOf<T extends object>(extended: T, base: Db): T {
  drivers.set(extended as unknown as Db, driverOf(base));
  return extended;
}

/** Which database a client talks to, for the few queries that differ. */
export function kindOf(db: Db): DatabaseKind {
  return drivers.get(db)?.kind ?? "sqlite";
}

/**
 * SQLite has one connection. Prisma's adapter serialises transactions on it,
 * but runs any other statement at once, even while an interactive transaction
 * is open there (awaiting something between its statements): that statement
 * then belongs to the transaction, and a rollback undoes it. A counted log-in
 * failure or a new session could vanish with another request's failed
 * registration. The gate admits one holder at a time in arrival order: a
 * transaction holds it from BEGIN to COMMIT or ROLLBACK, a statement outside
 * one for its (synchronous) run. Uncontended it is a flag check.
 */
class TransactionGate {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  /** Resolves when the caller holds the gate; undefined when it was free (held at once). */
  enter(): Promise<void> | undefined {
    if (!this.held) {
      this.held = true;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  async around<T>(work: () => T | Promise<T>): Promise<T> {
    const entering = this.enter();
    if (entering) await entering;
    try {
      return await work();
    } finally {
      this.leave();
    }
  }
}

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type SqliteTransaction = Awaited<ReturnType<SqliteAdapter["startTransaction"]>>;

/**
 * How SQLite commits. "full": a commit returns once the write-ahead log is on
 * disk, so a confirmed change survives a power cut or an operating-system
 * crash. "normal": the log is synced only at checkpoints; SQLite's
 * documentation says the last commits can then roll back (the file is never
 * corrupted). The cost of "full" is measured in docs/BENCHMARKS.md.
 *
 * With "full", bookkeeping writes on the driver (a rate-limit count, a new
 * session: DriverStatement's `bookkeeping`) still commit as "normal": a log-in
 * makes three of them, and waiting for the disk for each cost a log-in
 * storm a fifth of its rate. The log is one file written in order, so the
 * next "full" commit syncs them too: a crash can only lose such writes made
 * since the last "full" commit, never one the app has confirmed.
 */
type SqliteSynchronous = "full" | "normal";

export type DbOptions = {
  sqliteSynchronous?: SqliteSynchronous;
  /** How long a SQLite write waits for a lock another connection holds (migrations, scripts); LOCK_WAIT_MS. */
  lockWaitMs?: number;
};

/**
 * How long a SQLite write waits for a lock another process holds (a
 * migration, a script), before it fails with SQLITE_BUSY. SQLite's own
 * wait (its busy handler) sleeps on the calling thread, here the event loop:
 * a pruning batch held it 4.4 s while another connection wrote a million
 * rows in one transaction. So the server's statements meet such a lock at
 * once and are tried again on a timer (untilUnlocked), and requests that
 * need no write go on meanwhile. Only a Prisma transaction's own statements
 * still wait in SQLite: it takes the lock on a timer first (startTransaction
 * below), so they wait only if another process takes it again in between.
 */
const LOCK_WAIT_MS = 5000;
/** How long Prisma lets a transaction wait to start by default (its `maxWait`). */
const PRISMA_MAX_WAIT_MS = 2000;

/** SQLITE_BUSY and its extended codes (a lock another connection holds, or a snapshot it made stale), from the driver or through Prisma's adapter: nothing was written. */
function lockedByAnother(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: { originalCode?: unknown } } | null;
  const code = e?.code ?? e?.cause?.originalCode;
  return typeof code === "string" && (code === "SQLITE_BUSY" || code.startsWith("SQLITE_BUSY_"));
}

/**
 * Runs `attempt` until it meets no other connection's lock, pausing on a
 * timer between tries (1 ms, doubling up to 50 ms) for `lockWaitMs` in all,
 * then fails as the last try did. An attempt that met a lock wrote nothing
 * (a transaction rolls back), so trying again is safe.
 */
async function untilUnlocked<T>(lockWaitMs: number, attempt: () => Promise<T>): Promise<T> {
  const giveUpAt = performance.now() + lockWaitMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      return await attempt();
    } catch (error) {
      if (!lockedByAnother(error) || performance.now() + pause > giveUpAt) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

type RunOptions = { bookkeeping?: boolean; read?: boolean };

/** The SQLite adapter, keeping hold of its connection and passing every statement through the gate. */
class SqliteAdapterFactory extends PrismaBetterSQLite3 {
  connection: BetterSqlite3.Database | null = null;
  readonly gate = new TransactionGate();
  synchronous: SqliteSynchronous = "full";
  /** The connection commits as "normal" now, though `synchronous` is "full": a bookkeeping write came last. */
  private relaxed = false;
  lockWaitMs = LOCK_WAIT_MS;
  /** SQLite's busy handler waits for locks now (a Prisma transaction is open); other work waits on a timer instead. */
  private waitsInSqlite = true;

  /**
   * Sets whether the next statements wait for another connection's lock in
   * SQLite's busy handler (a Prisma transaction's) or fail at once (all
   * other work, which untilUnlocked tries again). Switched only when the
   * kind of work changes.
   */
  waitForLocks(connection: BetterSqlite3.Database, inSqlite: boolean): void {
    if (this.waitsInSqlite === inSqlite) return;
    connection.pragma(`busy_timeout = ${inSqlite ? this.lockWaitMs : 0}`);
    this.waitsInSqlite = inSqlite;
  }

  /**
   * Sets how the next statement commits, called inside the gate. With
   * "full", a bookkeeping write switches the connection to NORMAL and leaves
   * it so; any other write (every Prisma statement and transaction, any
   * driver statement not known to read) switches it back first. A log-in
   * storm's writes are all bookkeeping, so it switches nothing; switching
   * around every write cost 14 pragma calls per log-in.
   */
  commitAs(connection: BetterSqlite3.Database, options: RunOptions = {}): void {
    if (this.synchronous === "normal" || options.read) return;
    if (options.bookkeeping && !this.relaxed) {
      connection.pragma("synchronous = NORMAL");
      this.relaxed = true;
    } else if (!options.bookkeeping && this.relaxed) {
      connection.pragma("synchronous = FULL");
      this.relaxed = false;
    }
  }

  override async connect() {
    const adapter = await super.connect();
    const gate = this.gate;
    this.connection = (adapter as unknown as { client: BetterSqlite3.Database }).client;
    // Set on every connection, before its first statement (also one opened
    // again after $disconnect): synchronous belongs to the connection, and
    // better-sqlite3 builds SQLite with NORMAL as the default for WAL.
    // WAL: readers never wait for the writer. A larger page cache keeps
    // index lookups in memory as the tables grow.
    try {
      this.connection.pragma("journal_mode = WAL"); // once per file; a no-op after
    } catch {
      // Another process holds the file in a transaction: it is switched on a later start.
    }
    this.connection.pragma(`synchronous = ${this.synchronous.toUpperCase()}`);
    this.relaxed = false;
    this.connection.pragma(`busy_timeout = ${this.lockWaitMs}`);
    this.waitsInSqlite = true;
    this.connection.pragma("cache_size = -32000");
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      this.connection = null;
      await dispose();
    };
    const connection = this.connection;
    // A statement outside a transaction is one autocommit: tried again as a whole.
    type Query = Parameters<typeof adapter.queryRaw>[0];
    const autocommit =
      <R>(statement: (query: Query) => Promise<R>) =>
      (query: Query) =>
        untilUnlocked(this.lockWaitMs, () =>
          gate.around(() => {
            this.commitAs(connection);
            this.waitForLocks(connection, false);
            return statement(query);
          }),
        );
    adapter.queryRaw = autocommit(adapter.queryRaw.bind(adapter));
    adapter.executeRaw = autocommit(adapter.executeRaw.bind(adapter));
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      // Prisma begins a deferred transaction, whose first write would wait
      // for another connection's lock in SQLite: wait for it here first.
      await untilUnlocked(this.lockWaitMs, () =>
        gate.around(() => {
          this.waitForLocks(connection, false);
          connection.exec("BEGIN IMMEDIATE");
          connection.exec("ROLLBACK");
        }),
      );
      const entering = gate.enter();
      if (entering) await entering;
      let transaction: SqliteTransaction;
      try {
        this.commitAs(connection);
        this.waitForLocks(connection, true);
        transaction = await startTransaction(isolationLevel);
      } catch (error) {
        gate.leave();
        throw error;
      }
      const end = (finish: () => Promise<void>) => async () => {
        try {
          await finish();
        } finally {
          gate.leave();
        }
      };
      transaction.commit = end(transaction.commit.bind(transaction));
      transaction.rollback = end(transaction.rollback.bind(transaction));
      return transaction;
    };
    return adapter;
  }
}

/**
 * Each PostgreSQL connection, before its first statement: never a
 * whole-table read where an index answers. Once most sessions are pruned and
 * vacuumed, the statistics say "Session" holds a few rows while its indexes
 * keep their size, and the planner prices the token's unique index at (index
 * pages ÷ rows) reads: it read the whole table for every validation (at 1M
 * pruned sessions, 17-39 validations a second instead of 1,445). Every
 * statement of the app has its index; a table without one (the search tier's
 * single row) is still read whole, and no JIT compiles it: with whole-table
 * reads off, such a plan's cost passes jit_above_cost, and compiling cost
 * 140 ms a statement (the search triggers of each new user). Short
 * statements gain nothing from JIT anyway. docs/performance.md.
 */
async function planFor(client: pg.ClientBase): Promise<void> {
  await client.query("SET enable_seqscan = off; SET jit = off");
}

export function createDb(url: string, options: DbOptions = {}): Db {
  let db: Db;
  if (databaseKind(url) === "sqlite") {
    const file = sqlitePath(url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Wait up to 5 s for a lock held by another process (migrations, scripts): LOCK_WAIT_MS.
    const lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
    const adapter = new SqliteAdapterFactory({ url: `file:${file}`, timeout: lockWaitMs });
    adapter.synchronous = options.sqliteSynchronous ?? "full";
    adapter.lockWaitMs = lockWaitMs;
    // Prisma gives a transaction 2 s to start; its start now includes waiting on a timer for another connection's lock.
    const client = new SqliteClient({ adapter, transactionOptions: { maxWait: PRISMA_MAX_WAIT_MS + lockWaitMs } });
    db = client;
    drivers.set(db, {
      kind: "sqlite",
      reader: new ReaderThread(file, async () => {
        if (!adapter.connection) await client.$connect();
      }),
      // Prisma opens its connection on first use (and again after $disconnect).
      // Work that meets another connection's lock is tried again on a timer (untilUnlocked).
      run: (work, options) =>
        untilUnlocked(lockWaitMs, async () => {
          if (!adapter.connection) await client.$connect();
          return adapter.gate.around(() => {
            const connection = adapter.connection!;
            adapter.commitAs(connection, options);
            adapter.waitForLocks(connection, false);
            return work(connection);
          });
        }),
    });
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, onConnect: planFor });
    // A connection dropped while idle (a restart, pg_terminate_backend) is
    // replaced on the next query; without a listener it would end the process.
    pool.on("error", () => undefined);
    db = new PostgresClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
    drivers.set(db, { kind: "postgres", pool });
  }
  return db;
}

/** Closes the client's connections (the server stopping). */
export async function closeDb(db: Db): Promise<void> {
  const driver = drivers.get(db);
  if (driver?.kind === "sqlite") await driver.reader.stop();
  await db.$disconnect();
}
