// Reads --name value pairs from the command line.
import { parseArgs } from "node:util";

export function cliOptions<T extends Record<string, { type: "string" | "boolean" }>>(options: T) {
  return parseArgs({ args: process.argv.slice(2), options, strict: true }).values;
}
