// How often the event loop turned while a job ran: a statement that holds the
// loop (SQLite's synchronous calls) lets no turn through until it ends, so the
// count tells whether a job lets requests in while it runs.

/** Runs `job` and counts the event-loop turns (setImmediate callbacks) that ran before it finished. */
export async function turnsDuring<T>(job: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  // Started from a settled promise, as a request's continuation would be.
  const result = await Promise.resolve().then(job);
  running = false;
  return { result, turns };
}
