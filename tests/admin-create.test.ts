import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { createTestApp, type TestApp } from "./support/test-app";
import { freshEmail, seedUser } from "./support/accounts";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

function adminCreate(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", ...args], {
    env: { ...process.env, DATABASE_URL: app.config.DATABASE_URL, ...env },
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("npm run admin:create", () => {
  it("creates a verified admin with the password from ADMIN_PASSWORD", () => {
    const email = freshEmail("admin");
    const result = adminCreate(["--email", email.toUpperCase(), "--name", "Ada Admin"], { ADMIN_PASSWORD: "a trusted passphrase here" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Created admin ${email}`);
    return app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } }).then(async (login) => {
      expect(login.user.admin).toBe(true);
      expect(login.emailVerifiedAt).not.toBeNull();
      expect(await verifyPassword(login.passwordHash, "a trusted passphrase here")).toBe(true);
    });
  });

  it("promotes an existing account", async () => {
    const user = await seedUser(app, { verified: false });
    const result = adminCreate(["--email", user.email, "--name", "Ignored"], { ADMIN_PASSWORD: "a trusted passphrase here" });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Promoted admin");
    const after = await app.db.user.findUniqueOrThrow({ where: { id: user.id }, include: { login: true } });
    expect(after.admin).toBe(true);
    expect(after.login?.emailVerifiedAt).not.toBeNull();
  });

  it("refuses a common password with a clear message and creates nothing", async () => {
    const email = freshEmail("admin");
    const result = adminCreate(["--email", email, "--name", "Weak Admin"], { ADMIN_PASSWORD: "qwerty123456" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/too common/);
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });

  it("without ADMIN_PASSWORD and no terminal, explains and creates nothing", async () => {
    const email = freshEmail("admin");
    const result = adminCreate(["--email", email, "--name", "No Password"], {});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("ADMIN_PASSWORD");
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });
});
