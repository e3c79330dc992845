// rate-limiter-flexible's store for our "RateLimit" table (key, points,
// expire): its consume, reward, get and delete each run as ONE statement on
// the driver beneath Prisma. A count is an atomic upsert that returns the new
// total, so N parallel attempts see N distinct totals and exactly the first
// `points` of them pass; nothing reads a budget and writes it back later.
// (The library's own Prisma store needs a delete and an upsert per count,
// through Prisma's pipeline; this is one prepared statement.)
import { RateLimiterPrisma, RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from "rate-limiter-flexible";
import type { Db } from "./client";
import { DriverStatement, dateParameter } from "./driver-statements";
import { letRequestsIn } from "./let-requests-in";

type Row = { points: number | bigint; expire: string | Date | null };

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
