import path from "node:path";
import { defineConfig } from "vitest/config";

// Every test file runs twice: once on SQLite, once on PostgreSQL.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "src"),
      "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
    },
  },
  test: {
    globalSetup: ["tests/global-setup.ts"],
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "sqlite", env: { TEST_DB: "sqlite", LOG_LEVEL: "silent" } } },
      { extends: true, test: { name: "postgres", env: { TEST_DB: "postgres", LOG_LEVEL: "silent" } } },
    ],
  },
});
