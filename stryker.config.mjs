// Mutation testing of the rule modules: `npm run test:mutation` (minutes to
// tens of minutes; not part of `npm test`). Each mutant (a rule changed on
// purpose) must make a test fail. The scores and the survivors left, with
// the reason each is harmless, are in docs/TESTING.md.
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.mts", related: false },
  coverageAnalysis: "perTest",
  // Static mutants (in module-level constants) run every test: slower, but counted.
  ignoreStatic: false,
  mutate: [
    "src/shared/permissions.ts",
    "src/server/auth/rate-limits.ts",
    "src/server/db/rate-limit-store.ts",
    "src/server/auth/session-cookie.ts",
    "src/server/auth/device-cookie.ts",
    "src/server/auth/secret-token.ts",
    "src/server/auth/request-origin.ts",
    "src/server/auth/password-policy.ts",
    "src/server/services/sessions.ts",
    "src/server/db/sessions.ts",
    "src/server/db/expired-sessions.ts",
    "src/server/db/users.ts",
    "src/server/services/user-flags.ts",
    "src/shared/second-factor-policy.ts",
    "src/server/auth/totp.ts",
    "src/server/auth/recovery-codes.ts",
    "src/server/services/second-factor-proof.ts",
    "src/server/services/second-factor-login.ts",
    "src/server/services/reauthentication.ts",
    "src/server/db/second-factors.ts",
    "src/server/db/auth-challenges.ts",
    "src/server/db/let-requests-in.ts",
    "src/server/services/own-sessions.ts",
    "src/server/services/another-factor.ts",
    "src/server/api/call-limits.ts",
    "src/shared/schemas/free-text.ts",
  ],
  // Each worker runs its own Vitest with its own databases (tests/support/databases.ts).
  concurrency: 2,
  timeoutMS: 60_000,
  // The first run executes the whole SQLite suite in one runner, serially, for per-test coverage.
  dryRunTimeoutMinutes: 45,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "data/mutation/mutation.json" },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: "data/stryker-tmp",
  cleanTempDir: "always",
};
