import path from "node:path";
import { defineConfig } from "vitest/config";

// The mutation run (npm run test:mutation, stryker.config.mjs): the SQLite
// project only, without the tests that start whole servers or compilers,
// which exercise no rule module and would only slow every mutant down.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname, "src"),
      "server-only": path.resolve(import.meta.dirname, "tests/support/server-only.ts"),
    },
  },
  test: {
    name: "sqlite",
    env: { TEST_DB: "sqlite", LOG_LEVEL: "silent" },
    globalSetup: ["tests/global-setup.ts"],
    include: ["tests/**/*.test.ts"],
    exclude: [
      "tests/platform/boot.test.ts",
      "tests/api/type-consumer.test.ts",
      "tests/platform/postgres-server.test.ts",
      "tests/api/openapi.test.ts",
      "tests/platform/bench-directory.test.ts",
      "tests/platform/migrations.test.ts",
      "tests/admin/admin-create.test.ts",
      "tests/admin/teacher-token-create.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
