import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/env";

describe("configuration", () => {
  it("has safe defaults", () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      DATABASE_URL: "file:./data/app.db",
      APP_URL: "http://localhost:3000",
      PORT: 3000,
      SESSION_TTL_SECONDS: 10800,
      PRUNE_INTERVAL_SECONDS: 3600,
    });
    expect(config.RESEND_API_KEY).toBeUndefined();
  });

  it.each([
    ["DATABASE_URL", "mysql://localhost/db"],
    ["APP_URL", "not a url"],
    ["APP_URL", "ftp://files.example"],
    ["PORT", "70000"],
    ["PORT", "eighty"],
    ["SESSION_TTL_SECONDS", "0"],
    ["SESSION_TTL_SECONDS", "1.5"],
    ["RESEND_BASE_URL", "nope"],
    ["EMAIL_FROM", "no address here"],
    ["SESSION_TTL_SECONDS", String(31 * 86400 + 1)],
    ["TRUST_PROXY", "11"],
    ["TRUST_PROXY", "-1"],
    ["TRUSTED_PROXIES", "proxy.internal"],
    ["TRUSTED_PROXIES", "10.0.0.0/8, 300.1.1.1"],
    ["NODE_ENV", "staging"],
    ["METRICS_TOKEN", "short-token"],
    ["HOST", "http://example.org"],
    ["SQLITE_SYNCHRONOUS", "off"],
    ["PRUNE_INTERVAL_SECONDS", "9"],
    ["PRUNE_INTERVAL_SECONDS", "86401"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}:`));
  });

  it("accepts Postgres URLs and named senders", () => {
    const config = parseConfig({
      DATABASE_URL: "postgresql://app@db.internal:5432/accounts",
      EMAIL_FROM: "School Accounts <accounts@school.example>",
      APP_URL: "https://accounts.school.example/",
    });
    expect(config.APP_URL).toBe("https://accounts.school.example");
  });

  it("a bad value stops the server before it starts, with a message naming the variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
      env: { ...process.env, SESSION_TTL_SECONDS: "forever", DATABASE_URL: "file:./data/test/never.db" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("SESSION_TTL_SECONDS");
  });
});
