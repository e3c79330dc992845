// The layers point one way (.dependency-cruiser.cjs): no cycles, shared/
// imports nothing of the server, db/ nothing above it, services no transport,
// transports and pages no query module, every module reached from an entry.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("layers", () => {
  it.skipIf(process.env.TEST_DB === "postgres")("dependency-cruiser finds no violation", () => {
    const out = execFileSync(
      process.execPath,
      [
        "node_modules/dependency-cruiser/bin/dependency-cruise.mjs",
        "src",
        "scripts",
        "--config",
        ".dependency-cruiser.cjs",
        "--output-type",
        "json",
      ],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    const { summary } = JSON.parse(out) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
    };
    expect(summary.totalCruised).toBeGreaterThan(100);
    expect(summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });
});
