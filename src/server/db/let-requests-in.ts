// A pause between the statements of a long job (the pruning's batches). On
// SQLite every statement runs synchronously on the event loop and its promise
// is already settled, so a loop of awaited statements would run to its end
// without the server reading a single request. A short timer lets the
// requests that arrived meanwhile go first and keeps the job to a fraction of
// the loop's time, so each batch delays a request by one short statement at
// most. 8 ms after a batch of 1-2 ms keeps a job to a fifth of a core, so on
// a small machine it takes little CPU from requests either (a million
// expired sessions pruned in about a minute and a half; with 2 ms the
// pruning took half a core, and validation's p99 rose with it).
const PAUSE_MS = 8;

export function letRequestsIn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
}
