import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

// The mutation run (npm run test:mutation, stryker.config.mjs): the SQLite
// project only, and the test files aimed at the rule modules (the whole
// suite reaches every module through the app and made each mutant run for
// minutes).
export default defineConfig({
  resolve: base.resolve,
  test: {
    name: "sqlite",
    env: { TEST_DB: "sqlite", LOG_LEVEL: "silent" },
    globalSetup: ["tests/global-setup.ts"],
    // The files that test the rule modules directly; each mutant runs only
    // those of their tests that reach it (coverageAnalysis "perTest").
    include: [
      "tests/sessions/*.test.ts",
      "tests/admin/permissions.test.ts",
      "tests/admin/policy.test.ts",
      "tests/admin/admin-races.test.ts",
      "tests/admin/security-events.test.ts",
      "tests/accounts/password-policy.test.ts",
      "tests/accounts/account-self-service.test.ts",
      "tests/accounts/email-change.test.ts",
      "tests/accounts/user-queries.test.ts",
      "tests/api/limits-and-refusals.test.ts",
      "tests/api/http-api.test.ts",
      "tests/api/seed-apis.test.ts",
      "tests/platform/database-outage.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
