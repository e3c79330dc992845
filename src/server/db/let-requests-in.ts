// A pause between the statements of a long job (the pruning's batches). On
// SQLite every statement runs synchronously on the event loop and its promise
// is already settled, so a loop of awaited statements would run to its end
// without the server reading a single request. A timer lets the requests
// that arrived meanwhile go first and keeps the job to a small share of the
// loop's time, so each batch delays a request by one short statement at most.
//
// The pause grows with the batch it follows: a job takes at most a tenth of
// the loop, whatever the machine or the table's size. With a fixed 8 ms, a
// batch that took 2 ms (a million expired sessions, a slower machine) held
// the loop a fifth of the time, and validation's p99 rose by half while the
// pruning ran, since the loop was already busy with requests. 8 ms is the
// least: a batch of 1 ms or less pauses that long.
const LEAST_PAUSE_MS = 8;
/** The largest share of the event loop a job's statements may take. */
const JOB_SHARE = 0.1;

/** The pause after a batch that took `busyMs`: at least 8 ms, and long enough to keep the job to a tenth of the loop. */
export function pauseAfter(busyMs: number): number {
  return Math.max(LEAST_PAUSE_MS, (busyMs * (1 - JOB_SHARE)) / JOB_SHARE);
}

/** Waits before a job's next batch; `batchStartedAt` is performance.now() when the batch that just ran began. */
export function letRequestsIn(batchStartedAt: number): Promise<void> {
  const pause = pauseAfter(performance.now() - batchStartedAt);
  return new Promise((resolve) => setTimeout(resolve, pause));
}
