// The process log's lines, captured while a test runs (the tests otherwise
// run with LOG_LEVEL=silent). Lines are pino's JSON, one per write.
import { vi } from "vitest";
import { logDestination, logger } from "@/server/logger";

export function captureLogLines(level = "info") {
  const before = logger.level;
  logger.level = level;
  const lines: string[] = [];
  const spy = vi.spyOn(logDestination, "write").mockImplementation((chunk: string) => {
    lines.push(chunk.trimEnd());
    return true;
  });
  const read = () => lines;
  read.restore = () => {
    spy.mockRestore();
    logger.level = before;
  };
  return read;
}
