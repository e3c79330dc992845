// Expired sessions are deleted when presented; this removes the ones nobody
// presents again (a closed laptop, a cleared browser), so the table holds
// live sessions only. Runs in the server entry, beside the mail worker.
import type { Db } from "../db/client";
import { logger } from "../logger";
import { pruneRateLimits } from "../db/rate-limit-store";

const PRUNE_EVERY_MS = 3600 * 1000;
/** Rows per statement: on SQLite each statement holds the event loop. */
const BATCH = 500;

/** Deletes every session past its expiry, in batches; returns how many. */
export async function pruneExpiredSessions(db: Db, now = new Date(), batch = BATCH): Promise<number> {
  let deleted = 0;
  for (;;) {
    const expired = await db.session.findMany({ where: { expiresAt: { lte: now } }, select: { id: true }, take: batch });
    if (expired.length === 0) return deleted;
    const { count } = await db.session.deleteMany({ where: { id: { in: expired.map((s) => s.id) } } });
    deleted += count;
    if (expired.length < batch) return deleted;
  }
}

/**
 * Prunes at start and then hourly: expired sessions, and rate-limit counters
 * whose window ended an hour ago. A failed round (database away) waits for the next.
 */
export function startSessionPruning(db: Db): void {
  const round = async () => {
    try {
      const count = await pruneExpiredSessions(db);
      if (count) logger.info(`removed ${count} expired session(s)`);
      await pruneRateLimits(db);
    } catch (error) {
      logger.warn("pruning expired sessions failed; will retry", error);
    }
  };
  void round();
  // unref: the timer never keeps a stopping process alive.
  setInterval(round, PRUNE_EVERY_MS).unref();
}
