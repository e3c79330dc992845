// Recognising database failures by kind, whichever adapter raised them.

/** A unique constraint refused a write (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, "P2002");
}

const UNAVAILABLE_CODES = new Set([
  "P1001", // can't reach the server
  "P1002", // timed out
  "P1008", // operation timed out
  "P1017", // server closed the connection
  "P2024", // pool timeout
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
]);

const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection (?:is )?closed|terminating connection|not currently accepting connections|the database system is (?:starting up|shutting down)|Can't reach database|ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Client has encountered a connection error|database is locked|SocketTimeout|DatabaseNotReachable|ConnectionClosed/i;

/** The database could not be reached or dropped the connection: retrying later may succeed. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown; kind?: unknown };
  if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === "PrismaClientInitializationError") return true;
  if (typeof e.kind === "string" && /Unreachable|Closed|Timeout|TooManyConnections/.test(e.kind)) return true;
  if (typeof e.message === "string" && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

const CONFLICT_CODES = new Set(["P2034", "40P01", "40001"]); // Prisma's write conflict or deadlock; PostgreSQL's deadlock, serialization failure

/**
 * Two transactions locked the same rows in opposite orders (PostgreSQL
 * aborted one: deadlock) or could not be serialized: the aborted one changed
 * nothing and may simply run again.
 */
export function isTransactionConflict(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown };
  if (typeof e.code === "string" && CONFLICT_CODES.has(e.code)) return true;
  if (typeof e.originalCode === "string" && CONFLICT_CODES.has(e.originalCode)) return true;
  if (typeof e.message === "string" && /deadlock detected|could not serialize access/i.test(e.message)) return true;
  return isTransactionConflict(e.cause, depth + 1);
}

function hasCode(error: unknown, code: string): boolean {
  return !!error && typeof error === "object" && (error as { code?: unknown }).code === code;
}

/**
 * The database refused text it cannot store (PostgreSQL: a NUL byte, or a
 * character its encoding lacks). That is bad input, not a server fault.
 */
export function isUnstorableText(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (e.code === "22021" || e.code === "22P05") return true;
  if (typeof e.message === "string" && /invalid byte sequence for encoding|untranslatable character/i.test(e.message)) return true;
  return isUnstorableText(e.cause, depth + 1);
}
