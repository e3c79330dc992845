import { defineConfig, devices } from "@playwright/test";
import { chromiumExecutable } from "./scripts/chromium";
import { SERVER_ENV, SERVER_NODE_FLAGS } from "./scripts/server-node-flags";

// Browser tests run the production build (`npm run build`: Next.js and the
// compiled server entry dist/serve.js, started as `npm start` starts it)
// against a fresh SQLite database, with the real Resend SDK pointed at a
// local capture server.
// E2E_PORT / E2E_CAPTURE_PORT let two checkouts run their browser tests at once.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const CAPTURE_PORT = Number(process.env.E2E_CAPTURE_PORT ?? 3199);
export const E2E_URL = `http://localhost:${E2E_PORT}`;
export const E2E_DATABASE_URL = "file:./data/e2e/app.db";

// CHROMIUM_PATH, else Debian's Chromium when present (offline machines), else Playwright's own.
const launchOptions = {
  executablePath: chromiumExecutable(),
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: E2E_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions } },
    { name: "phone", use: { ...devices["Pixel 7"], launchOptions }, testMatch: /(screenshots|accessibility)\.spec\.ts/ },
  ],
  webServer: [
    {
      command: `node --import tsx tests/support/resend-capture-server.ts --port ${CAPTURE_PORT}`,
      port: CAPTURE_PORT,
      reuseExistingServer: false,
    },
    {
      command: `rm -rf data/e2e && exec node ${SERVER_NODE_FLAGS.join(" ")} dist/serve.js`,
      // Ready for page traffic: its first call loads Next.js.
      url: `${E2E_URL}/api/health/pages`,
      reuseExistingServer: false,
      timeout: 120_000,
      env: {
        ...SERVER_ENV,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(E2E_PORT),
        HOST: "127.0.0.1",
        APP_URL: E2E_URL,
        DATABASE_URL: E2E_DATABASE_URL,
        RESEND_API_KEY: "re_e2e_test",
        RESEND_BASE_URL: `http://127.0.0.1:${CAPTURE_PORT}`,
        EMAIL_FROM: "Accounts <accounts@school.example>",
      },
    },
  ],
});
