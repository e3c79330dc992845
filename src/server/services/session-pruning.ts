// Expired sessions are deleted when presented; this removes the ones nobody
// presents again (a closed laptop, a cleared browser), so the table holds
// live sessions only. Runs in the server entry, beside the mail worker, with
// the other pruning (every PRUNE_INTERVAL_SECONDS): spent rate-limit
// counters, old security events; and on PostgreSQL it moves the admin
// search's oldest hot entries to the cold tier (db/user-search-tiers.ts).
// Every job works in batches of a few hundred rows with a pause between
// them, so that a million expired sessions never hold a lock, or SQLite's
// event loop, longer than one short statement.
import type { Config } from "@/env";
import { deleteLapsedChallenges } from "../db/auth-challenges";
import type { Db } from "../db/client";
import { deleteExpiredSessions } from "../db/expired-sessions";
import { letRequestsIn } from "../db/let-requests-in";
import { pruneRateLimits } from "../db/rate-limit-store";
import { HOT_TIER_SIZE, settleUserSearchTiers } from "../db/user-search-tiers";
import { logger } from "../logger";
import { pruneSecurityEvents } from "./security-events";

/** Rows per statement: on SQLite each statement holds the event loop (under a millisecond for 100). */
const BATCH = 100;

/** Deletes every session past its expiry, in batches; returns how many. */
export async function pruneExpiredSessions(db: Db, now = new Date(), batch = BATCH): Promise<number> {
  let deleted = 0;
  for (;;) {
    const started = performance.now();
    const count = await deleteExpiredSessions(db, now, batch);
    deleted += count;
    if (count < batch) return deleted;
    await letRequestsIn(started);
  }
}

/**
 * Prunes at start and then every PRUNE_INTERVAL_SECONDS: expired sessions, rate-limit counters
 * whose window ended an hour ago, and security events older than
 * SECURITY_EVENT_RETENTION_DAYS. A failed round (database away) waits for the
 * next. Returns a function that stops the rounds and waits for a running one.
 */
export function startSessionPruning(
  db: Db,
  config: Pick<Config, "SECURITY_EVENT_RETENTION_DAYS" | "PRUNE_INTERVAL_SECONDS">,
  { hotTierSize = HOT_TIER_SIZE }: { hotTierSize?: number } = {},
): () => Promise<void> {
  // Each job on its own: one that fails (its table locked, the database
  // away) is retried next round and does not keep the others from running.
  const jobs: [string, () => Promise<string | null>][] = [
    [
      "pruning expired sessions",
      async () => {
        const count = await pruneExpiredSessions(db);
        return count ? `removed ${count} expired session(s)` : null;
      },
    ],
    [
      "pruning rate-limit counters",
      async () => {
        await pruneRateLimits(db);
        return null;
      },
    ],
    [
      "pruning lapsed log-in steps",
      async () => {
        const count = await deleteLapsedChallenges(db, new Date());
        return count ? `removed ${count} lapsed second-factor ticket(s) and passkey challenge(s)` : null;
      },
    ],
    [
      "pruning security events",
      async () => {
        const events = await pruneSecurityEvents(db, config.SECURITY_EVENT_RETENTION_DAYS);
        return events ? `removed ${events} security event(s) older than ${config.SECURITY_EVENT_RETENTION_DAYS} days` : null;
      },
    ],
    [
      "moving search entries to the cold tier",
      async () => {
        const moved = await settleUserSearchTiers(db, hotTierSize);
        return moved ? `moved ${moved} search entries to the cold tier` : null;
      },
    ],
  ];
  const round = async () => {
    for (const [name, job] of jobs) {
      try {
        const done = await job();
        if (done) logger.info(done);
      } catch (error) {
        logger.warn({ err: error }, `${name} failed; will retry`);
      }
    }
  };
  // Each round is scheduled when the last one ends, so rounds never overlap
  // however long one takes. unref: the timer never keeps a stopping process alive.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = (): Promise<void> =>
    round().then(() => {
      if (stopped) return;
      timer = setTimeout(() => {
        running = next();
      }, config.PRUNE_INTERVAL_SECONDS * 1000);
      timer.unref();
    });
  let running = next();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
