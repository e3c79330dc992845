// Server log lines: one line each, to stdout/stderr, never a stack in a
// response. LOG_LEVEL (info, warn, error, silent) filters them.
/* eslint-disable no-console */
const LEVELS = { info: 0, warn: 1, error: 2, silent: 3 } as const;

function enabled(level: keyof typeof LEVELS): boolean {
  const wanted = (process.env.LOG_LEVEL ?? "info") as keyof typeof LEVELS;
  return LEVELS[level] >= (LEVELS[wanted] ?? 0);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const logger = {
  info(message: string) {
    if (enabled("info")) console.log(`[accounts] ${message}`);
  },
  warn(message: string, error?: unknown) {
    if (enabled("warn")) console.warn(`[accounts] ${message}${error === undefined ? "" : `: ${describe(error)}`}`);
  },
  error(message: string, error?: unknown) {
    if (enabled("error")) console.error(`[accounts] ${message}`, error ?? "");
  },
};
