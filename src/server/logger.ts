// The process logger: pino, one JSON object per line on stdout (a log
// collector reads it as it is; JSON encoding also defuses log injection, a
// newline in a value stays inside its string). LOG_LEVEL (info, warn, error,
// silent, …) sets which lines are written. Call it pino's way:
// logger.warn({ err }, "what failed"). No stack trace and no secret is ever
// written: errors keep their type, code and (scrubbed) message, and fields
// that carry credentials are redacted wherever they appear in a logged object.
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** The level LOG_LEVEL names; `info` when unset or unknown. */
function logLevelFrom(value: string | undefined): string {
  return value && LEVELS.has(value) ? value : "info";
}

/** Field names that hold credentials, at the top of a logged object and one or two levels down. */
const SECRET_FIELDS = [
  "password",
  "passwordHash",
  "token",
  "tokenHash",
  "sessionToken",
  "cookie",
  "authorization",
  "set-cookie",
  "deviceCookie",
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const join = (prefix: string) => (key.startsWith("[") ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, join("*"), join("*.*")];
});

/**
 * What could still carry a secret inside free text (an error message that
 * quotes a query's arguments): argon2 hashes, our 43-character tokens, GUIDs
 * (seed 002's session tokens; record ids look the same and go too) and
 * SHA-256 hex digests.
 */
const SECRET_PATTERNS = [
  /\$argon2(?:id|i|d)\$[^\s"'`]+/g,
  /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g,
  /(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f])/g,
  /(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])/g,
];

/** Free text with anything that looks like a credential replaced. */
function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, pattern) => out.replace(pattern, "[redacted]"), text);
}

/** An error as a log line shows it: type, code and message, never the stack or the attached request. */
function errorSummary(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubSecrets(String(error)).slice(0, 1000) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    message: scrubSecrets(error.message).slice(0, 1000),
  };
}

/** A logger writing to `destination` (stdout by default) at `level`. */
export function createLogger(destination: DestinationStream, level = logLevelFrom(process.env.LOG_LEVEL)): Logger {
  return pino(
    {
      name: "accounts",
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names ("warn"), which people and collectors read without a table.
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: errorSummary },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    destination,
  );
}

/** Where the process's log lines go: stdout, written synchronously (nothing is lost when the process ends). */
export const logDestination = pino.destination({ dest: 1, sync: true });

export const logger: Logger = createLogger(logDestination);
