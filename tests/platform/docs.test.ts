// The docs list exactly what the code has.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "@/env";
import { APP_CODES } from "@/shared/app-codes";

describe("docs", () => {
  it("docs/errors.md describes every appCode, and no other", () => {
    const doc = fs.readFileSync("docs/errors.md", "utf8");
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...APP_CODES].sort());
  });

  it("docs/configuration.md lists every environment variable the configuration reads", () => {
    const doc = fs.readFileSync("docs/configuration.md", "utf8");
    for (const key of Object.keys(configSchema.shape)) expect(doc).toContain(`| \`${key}\` |`);
  });

  it("docs/BENCHMARKS.md stays short, and bench/results holds only the latest run per database", () => {
    expect(fs.readFileSync("docs/BENCHMARKS.md", "utf8").split("\n").length).toBeLessThanOrEqual(180);
    expect(fs.readdirSync("bench/results").sort()).toEqual(["postgres.json", "postgres.md", "sqlite.json", "sqlite.md"]);
  });
});
