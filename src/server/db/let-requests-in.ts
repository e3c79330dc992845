// A pause between the statements of a long job (the pruning's batches). On
// SQLite every statement runs synchronously on the event loop and its promise
// is already settled, so a loop of awaited statements would run to its end
// without the server reading a single request; setImmediate lets the requests
// that arrived meanwhile go first, so each batch delays them by one statement.
export function letRequestsIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
