// rate-limiter-flexible's store for our "RateLimit" table (key, points,
// expire): its consume, reward, get and delete each run as ONE statement on
// the driver beneath Prisma. A count is an atomic upsert that returns the new
// total, so N parallel attempts see N distinct totals and exactly the first
// `points` of them pass; nothing reads a budget and writes it back later.
// (The library's own Prisma store needs a delete and an upsert per count,
// through Prisma's pipeline; this is one prepared statement.) A request that
// counts several budgets at once (a log-in counts three) takes its points in
// one statement and gives them back in one (consumeEach, giveBackEach).
import { RateLimiterPrisma, RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from "rate-limiter-flexible";
import type { Db } from "./client";
import { DriverStatement, dateParameter, type Write, writeTogether } from "./driver-statements";
import { letRequestsIn } from "./let-requests-in";

type Row = { points: number | bigint; expire: string | Date | null };
/** A counter's row as a take returns it (TAKE, and a log-in's read with its take: login-statements.ts). */
export type TakenRow = Row & { key: string };

// A live window is one whose expiry is unset or still ahead of now (?).
const LIVE = `("RateLimit"."expire" IS NULL OR "RateLimit"."expire" > ?)`;

// Bookkeeping: a count lost in a power cut gives back an attempt or two.
const ADD = new DriverStatement(
  "rate-limit-add",
  `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES (?, ?, ?)
   ON CONFLICT ("key") DO UPDATE SET
     "points" = CASE WHEN ${LIVE} THEN "RateLimit"."points" + ? ELSE excluded."points" END,
     "expire" = CASE WHEN ${LIVE} THEN "RateLimit"."expire" ELSE excluded."expire" END
   RETURNING "points", "expire"`,
  { bookkeeping: true },
);
const SET = new DriverStatement(
  "rate-limit-set",
  `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES (?, ?, ?)
   ON CONFLICT ("key") DO UPDATE SET "points" = excluded."points", "expire" = excluded."expire"
   RETURNING "points", "expire"`,
);
const GET = new DriverStatement("rate-limit-get", `SELECT "points", "expire" FROM "RateLimit" WHERE "key" = ? AND ${LIVE}`);
const DELETE = new DriverStatement("rate-limit-delete", `DELETE FROM "RateLimit" WHERE "key" = ? RETURNING "key"`);
// One point on each of n counters: ADD for several keys, every row's window
// as in ADD. The rows come back keyed, in no promised order.
const TAKE = statementsByCount(
  "rate-limit-take",
  (n) => `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES ${Array(n).fill("(?, 1, ?)").join(", ")}
   ON CONFLICT ("key") DO UPDATE SET
     "points" = CASE WHEN ${LIVE} THEN "RateLimit"."points" + 1 ELSE 1 END,
     "expire" = CASE WHEN ${LIVE} THEN "RateLimit"."expire" ELSE excluded."expire" END
   RETURNING "key", "points", "expire"`,
);
// A point given back to each of n counters, never below zero, written as
// TAKE writes (an upsert, rows in the order given): two requests sharing
// counters lock them in one order on PostgreSQL, whichever of the two
// statements each runs. A counter whose window ended starts a new one at
// zero (the library's reward does the same).
const GIVE_BACK = statementsByCount(
  "rate-limit-give-back",
  (n) => `INSERT INTO "RateLimit" ("key", "points", "expire") VALUES ${Array(n).fill("(?, 0, ?)").join(", ")}
   ON CONFLICT ("key") DO UPDATE SET
     "points" = CASE WHEN ${LIVE} AND "RateLimit"."points" > 0 THEN "RateLimit"."points" - 1 ELSE 0 END,
     "expire" = CASE WHEN ${LIVE} THEN "RateLimit"."expire" ELSE excluded."expire" END`,
);
// At most `?` rows per statement: a flood from many addresses leaves many
// counters, and one long DELETE would hold SQLite's writer (and its event loop).
const PRUNE = new DriverStatement(
  "rate-limit-prune",
  `DELETE FROM "RateLimit" WHERE "key" IN (SELECT "key" FROM "RateLimit" WHERE "expire" < ? LIMIT ?) RETURNING "key"`,
);
const PRUNE_BATCH = 500;

/** Deletes counters whose window ended more than an hour ago (as the library's own stores do), in batches; returns how many. */
export async function pruneRateLimits(db: Db, now = new Date(), batch = PRUNE_BATCH): Promise<number> {
  const before = dateParameter(db, new Date(now.getTime() - 3600_000));
  let deleted = 0;
  for (;;) {
    const started = performance.now();
    const rows = await PRUNE.all(db, [before, batch]);
    deleted += rows.length;
    if (rows.length < batch) return deleted;
    await letRequestsIn(started);
  }
}

/** Bookkeeping statements for 1, 2, 3… keys, each made on first use. */
function statementsByCount(name: string, sql: (n: number) => string): (n: number) => DriverStatement {
  const made = new Map<number, DriverStatement>();
  return (n) => {
    let statement = made.get(n);
    if (!statement) {
      statement = new DriverStatement(`${name}-${n}`, sql(n), { bookkeeping: true });
      made.set(n, statement);
    }
    return statement;
  };
}

/** A budget's counter: its limiter, and the key it counts (an address, a client). */
export type Budget = { limiter: RateLimiterSql; key: string };

/**
 * One point from each budget, as the library's consume would take it, in ONE
 * statement: settled per budget, fulfilled within the budget and rejected
 * with its RateLimiterRes past it (our budgets set none of the library's
 * blocking options). When the statement fails, every budget is rejected with
 * its error and none took a point. Keys are written in sorted order, so two
 * requests that share counters lock them in the same order on PostgreSQL.
 */
export async function consumeEach(db: Db, budgets: Budget[]): Promise<PromiseSettledResult<RateLimiterRes>[]> {
  const take = takeWrite(db, budgets);
  let rows: TakenRow[];
  try {
    rows = await take.statement.all<TakenRow>(db, take.values);
  } catch (error) {
    return budgets.map(() => ({ status: "rejected", reason: error }));
  }
  return settleEach(budgets, rows);
}

/**
 * consumeEach's statement and values, to run alongside a read (a log-in's
 * login row, db/login-statements.ts); settleEach then reads its rows. The
 * statement returns "key", "points" and "expire".
 */
export function takeWrite(db: Db, budgets: Budget[]): Write {
  return { statement: TAKE(budgets.length), values: windows(db, budgets) };
}

/** Each budget's outcome from the rows its take returned, as consumeEach settles them. */
export function settleEach(budgets: Budget[], rows: TakenRow[]): PromiseSettledResult<RateLimiterRes>[] {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return budgets.map((b) => {
    const key = b.limiter.getKey(b.key);
    const res = b.limiter._getRateLimiterRes(key, 1, byKey.get(key)!);
    return res.consumedPoints > b.limiter.points ? { status: "rejected", reason: res } : { status: "fulfilled", value: res };
  });
}

/** Gives back the point consumeEach took from each budget, in one statement. */
export async function giveBackEach(db: Db, budgets: Budget[]): Promise<void> {
  await writeTogether(db, [giveBackWrite(db, budgets)]);
}

/** giveBackEach as a write to commit with another (writeTogether: a log-in's new session). */
export function giveBackWrite(db: Db, budgets: Budget[]): Write {
  return { statement: GIVE_BACK(budgets.length), values: windows(db, budgets) };
}

/** The parameters of TAKE or GIVE_BACK: each budget's key and the end of a window starting now, sorted by key; then now, twice. */
function windows(db: Db, budgets: Budget[]): (string | null)[] {
  const now = new Date();
  const at = dateParameter(db, now);
  const rows = budgets
    .map((b) => {
      const ms = b.limiter.msDuration; // 0: a window that never ends, as in _upsert
      return [b.limiter.getKey(b.key), ms > 0 ? dateParameter(db, new Date(now.getTime() + ms)) : null] as const;
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...rows.flat(), at, at];
}

// The library's extension point for stores: typed in its declarations but
// not exported by its index, so taken from one of its own stores.
const RateLimiterStoreAbstract = Object.getPrototypeOf(RateLimiterPrisma) as typeof StoreAbstract;

export type RateLimiterSqlOptions = { db: Db; keyPrefix: string; points: number; duration: number };

export class RateLimiterSql extends RateLimiterStoreAbstract {
  private readonly db: Db;

  constructor(options: RateLimiterSqlOptions) {
    const { db, ...limit } = options;
    super({ ...limit, storeClient: db });
    this.db = db;
  }

  // The abstract class calls these; their names and shapes are the library's.

  _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Row> {
    const now = new Date();
    const expire = msDuration > 0 ? dateParameter(this.db, new Date(now.getTime() + msDuration)) : null;
    if (forceExpire) return SET.all<Row>(this.db, [rlKey, points, expire]).then(first);
    const at = dateParameter(this.db, now);
    // A new or expired window starts at the points given, never below zero
    // (a reward arriving after its window ended leaves nothing owed).
    return ADD.all<Row>(this.db, [rlKey, Math.max(points, 0), expire, at, points, at]).then(first);
  }

  _get(rlKey: string): Promise<Row | null> {
    return GET.all<Row>(this.db, [rlKey, dateParameter(this.db, new Date())]).then((rows) => rows[0] ?? null);
  }

  _delete(rlKey: string): Promise<boolean> {
    return DELETE.all(this.db, [rlKey]).then((rows) => rows.length > 0);
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: Row): RateLimiterRes {
    const consumed = Number(row.points);
    const expire = row.expire == null ? null : new Date(row.expire).getTime();
    return new RateLimiterRes(
      Math.max(this.points - consumed, 0),
      expire == null ? -1 : Math.max(expire - Date.now(), 0),
      consumed,
      consumed === changedPoints,
    );
  }
}

function first(rows: Row[]): Row {
  return rows[0]!;
}
