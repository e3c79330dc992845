import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import base from "./vitest.config.mts";

// The mutation run (npm run test:mutation, stryker.config.mjs): the SQLite
// project only, and the test files aimed at the rule modules (the whole
// suite reaches every module through the app and made each mutant run for
// minutes). Each mutant runs only those of their tests that reach it
// (coverageAnalysis "perTest"), except static mutants (module constants, and
// code the files' beforeAll hooks run): those run every file until one fails.
// So the files run in this order, the quick ones that test a module directly
// first, and a static mutant they kill costs seconds instead of minutes. The
// first file loads each module inside a test: a constant that throws at
// import then fails a test, where it would only stop files being collected
// (which the runner does not count as a failure).
const FILES = [
  "tests/platform/rule-modules-load.test.ts",
  "tests/sessions/request-parsing.test.ts",
  "tests/platform/pruning.test.ts",
  "tests/sessions/second-factor-codes.test.ts",
  "tests/sessions/device-cookie.test.ts",
  "tests/sessions/rate-limits.test.ts",
  "tests/sessions/rate-limit-store.test.ts",
  "tests/sessions/session-queries.test.ts",
  "tests/accounts/user-queries.test.ts",
  "tests/admin/permissions.test.ts",
  "tests/sessions/sessions.test.ts",
  "tests/sessions/second-factor-login.test.ts",
  "tests/sessions/passkeys.test.ts",
  "tests/sessions/second-factor-isolation.test.ts",
  "tests/accounts/second-factor-settings.test.ts",
  "tests/admin/second-factor-policy.test.ts",
  "tests/sessions/log-in-limits.test.ts",
  "tests/sessions/password-hashing.test.ts",
  "tests/accounts/password-policy.test.ts",
  "tests/admin/policy.test.ts",
  "tests/admin/security-events.test.ts",
  "tests/admin/admin-races.test.ts",
  "tests/accounts/account-self-service.test.ts",
  "tests/accounts/email-change.test.ts",
  "tests/api/limits-and-refusals.test.ts",
  "tests/api/http-api.test.ts",
  "tests/api/seed-apis.test.ts",
  "tests/platform/database-outage.test.ts",
  "tests/accounts/recovery-and-sessions.test.ts",
  "tests/accounts/free-text.test.ts",
];

class InListOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => FILES.findIndex((name) => file.moduleId.endsWith(`/${name}`));
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: base.resolve,
  test: {
    name: "sqlite",
    env: { TEST_DB: "sqlite", LOG_LEVEL: "silent" },
    globalSetup: ["tests/global-setup.ts"],
    include: FILES,
    sequence: { sequencer: InListOrder },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
