// Session validation while the same server does other work: an admin paging
// and searching the directory without pause, and the pruning of every
// directory session (a million at the full scale), expired at once. Validation runs at a fixed rate (half of what the server
// answered at full load earlier in the run), so its latency measures waiting
// behind that work rather than the queue of a saturated server; each
// comparison alternates with and without the work, or runs the same number
// of slices during and after it. Used by scripts/bench.ts.
import autocannon from "autocannon";
import { type Db, kindOf } from "../src/server/db/client";

type Headers = Record<string, string>;

/** One stretch of validation at a fixed rate. */
export type RateSlice = { p50: number; p99: number; rps: number; non2xx: number };

async function validateAtRate(base: string, headers: Headers, rate: number, seconds: number): Promise<RateSlice> {
  const result = await autocannon({
    url: `${base}/api/trpc/session.validate`,
    headers,
    connections: 16,
    overallRate: rate,
    duration: seconds,
  });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: Math.round(result.requests.average), non2xx: result.non2xx };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export type AdminContention = {
  ratePerSecond: number;
  alone: RateSlice[];
  withAdmin: (RateSlice & { adminRequests: number })[];
  /** The median p99 with the admin's load ÷ the median p99 without it. */
  p99Ratio: number;
};

/**
 * Validation alone, then while one admin requests `adminPaths` in turn, each
 * as soon as the last was answered; `rounds` times, alternating.
 */
export async function validationUnderAdminLoad(options: {
  base: string;
  validateHeaders: Headers;
  adminHeaders: Headers;
  adminPaths: string[];
  rate: number;
  seconds: number;
  rounds: number;
}): Promise<AdminContention> {
  const { base, validateHeaders, adminHeaders, adminPaths, rate, seconds } = options;
  const alone: RateSlice[] = [];
  const withAdmin: AdminContention["withAdmin"] = [];
  for (let round = 0; round < options.rounds; round++) {
    alone.push(await validateAtRate(base, validateHeaders, rate, seconds));
    let stop = false;
    let adminRequests = 0;
    const admin = (async () => {
      while (!stop) {
        for (const path of adminPaths) {
          const res = await fetch(base + path, { headers: adminHeaders });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`${path} answered ${res.status}`);
          adminRequests++;
          if (stop) break;
        }
      }
    })();
    const slice = await validateAtRate(base, validateHeaders, rate, seconds);
    stop = true;
    await admin;
    withAdmin.push({ ...slice, adminRequests });
  }
  const p99Ratio = median(withAdmin.map((s) => s.p99)) / median(alone.map((s) => s.p99));
  return { ratePerSecond: rate, alone, withAdmin, p99Ratio: Math.round(p99Ratio * 1000) / 1000 };
}

export type PruningContention = {
  ratePerSecond: number;
  expiredSessions: number;
  /** From the first slice that saw sessions go to the last; NaN when none went. */
  pruneSeconds: number;
  /** Expired sessions still there when the probe stopped waiting (0: the pruning finished). */
  leftAtEnd: number;
  during: RateSlice[];
  after: RateSlice[];
  /** The 90th percentile of the slices' p99 during the pruning ÷ the same after it. */
  p99Ratio: number;
};

/** The value below which nine in ten of `xs` lie. */
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))] ?? Number.NaN;

/**
 * On a running, warmed-up server that prunes every few seconds: expires
 * `expire()`'s sessions, then validates in slices of `sliceSeconds`; a slice
 * in which `remaining()` went down ran during the pruning. Once none is left
 * (or after `maxSeconds`), up to ten slices more are the comparison.
 */
export async function validationDuringPruning(options: {
  base: string;
  expire: () => Promise<number>;
  remaining: () => Promise<number>;
  validateHeaders: Headers;
  rate: number;
  sliceSeconds: number;
  maxSeconds: number;
  /** Run once the pruning is over, before the comparison (PostgreSQL: the vacuum its deletions call for). */
  settle?: () => Promise<void>;
}): Promise<PruningContention> {
  const { base, validateHeaders, rate, sliceSeconds } = options;
  const expiredSessions = await options.expire();
  const during: RateSlice[] = [];
  let left = expiredSessions;
  let firstProgress = Number.NaN;
  let lastProgress = Number.NaN;
  const giveUp = performance.now() + options.maxSeconds * 1000;
  while (left > 0 && performance.now() < giveUp) {
    const slice = await validateAtRate(base, validateHeaders, rate, sliceSeconds);
    const now = await options.remaining();
    if (now < left) {
      if (Number.isNaN(firstProgress)) firstProgress = performance.now() - sliceSeconds * 1000;
      lastProgress = performance.now();
      during.push(slice);
    }
    left = now;
  }
  await options.settle?.();
  const after: RateSlice[] = [];
  for (let i = 0; i < Math.min(10, Math.max(3, during.length)); i++)
    after.push(await validateAtRate(base, validateHeaders, rate, sliceSeconds));
  const ratio = p90(during.map((s) => s.p99)) / p90(after.map((s) => s.p99));
  return {
    ratePerSecond: rate,
    expiredSessions,
    pruneSeconds: Math.round((lastProgress - firstProgress) / 100) / 10,
    leftAtEnd: left,
    during,
    after,
    p99Ratio: Math.round(ratio * 1000) / 1000,
  };
}

/** Makes every directory session (ids `session-…`, from bench-seed.ts) expired; returns how many. */
export async function expireDirectorySessions(db: Db): Promise<number> {
  const { count } = await db.session.updateMany({
    where: { id: { startsWith: "session-" } },
    data: { expiresAt: new Date(Date.now() - 3_600_000) },
  });
  return count;
}

/** How many expired sessions are left. */
export function expiredSessionsLeft(db: Db): Promise<number> {
  return db.session.count({ where: { expiresAt: { lte: new Date() } } });
}

/**
 * After a mass deletion PostgreSQL's autovacuum reclaims the dead rows, and
 * while it runs it shares the cores with the server: run that vacuum before
 * the comparison, so that "after" is the steady state and not the vacuum.
 */
export async function vacuumSessions(db: Db): Promise<void> {
  if (kindOf(db) === "postgres") await db.$executeRawUnsafe(`VACUUM (ANALYZE) "Session"`);
}
