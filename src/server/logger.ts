// Server log lines: one line each, to stdout/stderr, never a stack in a response.
/* eslint-disable no-console */
export const logger = {
  info: (message: string) => console.log(`[accounts] ${message}`),
  warn: (message: string, error?: unknown) =>
    console.warn(`[accounts] ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ""}`),
  error: (message: string, error?: unknown) => console.error(`[accounts] ${message}`, error ?? ""),
};
