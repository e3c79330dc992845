// Test data for the browser tests, made with the project's own scripts.
import { execFileSync } from "node:child_process";
import Database from "better-sqlite3";

let n = 0;
export const PASSWORD = "a long and memorable passphrase";

export function freshEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${++n}@school.example`;
}

const env = { ...process.env, DATABASE_URL: "file:./data/e2e/app.db", LOG_LEVEL: "error" };

/** A teacher invitation, created with npm run teacher-token:create. */
export function createTeacherToken(maxUses = 1): string {
  return execFileSync(process.execPath, ["--import", "tsx", "scripts/teacher-token-create.ts", "--max-uses", String(maxUses)], {
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

/** A verified admin, created with npm run admin:create. */
export function createAdmin(email: string, name: string, password = PASSWORD): void {
  execFileSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", "--email", email, "--name", name], {
    env: { ...env, ADMIN_PASSWORD: password },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/**
 * Makes every session of an address look as if its user last proved who they
 * are this many minutes ago (written to the server's database, as the API
 * tests do: no page can wind the clock).
 */
export function ageSessionsOf(email: string, minutes: number): void {
  const db = new Database("data/e2e/app.db");
  try {
    db.pragma("busy_timeout = 5000");
    const at = new Date(Date.now() - minutes * 60_000).toISOString().replace("Z", "+00:00");
    db.prepare(`UPDATE "Session" SET "authenticatedAt" = ? WHERE "userId" = (SELECT "userId" FROM "Login" WHERE "email" = ?)`).run(
      at,
      email,
    );
  } finally {
    db.close();
  }
}
