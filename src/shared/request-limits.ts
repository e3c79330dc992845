// Limits every client must respect, shared by the server and the pages' client.

/** Calls one tRPC batch may hold (the pages' batch link splits larger ones). */
export const MAX_CALLS_PER_BATCH = 10;
