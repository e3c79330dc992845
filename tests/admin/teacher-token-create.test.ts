// npm run teacher-token:create, run as a child process against this file's database.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { freshEmail, PASSWORD } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

function teacherTokenCreate(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/teacher-token-create.ts", ...args], {
    env: { ...process.env, DATABASE_URL: app.config.DATABASE_URL },
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("npm run teacher-token:create", () => {
  it("--email binds the token to that address: it prints the token and says so", async () => {
    const teacher = freshEmail("bound");
    const result = teacherTokenCreate(["--email", teacher.toUpperCase(), "--max-uses", "2"]);
    expect(result.status).toBe(0);
    const token = result.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toContain(`for 2 registration(s), only for ${teacher}.`);
    const row = await app.db.teacherToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(row).toMatchObject({ email: teacher, domain: null, maxUses: 2, uses: 0 });
    // Audited like the dashboard's, in the same commit, under the command's name.
    expect(await app.db.auditEntry.findMany({ where: { action: "createTeacherToken", field: row.id } })).toEqual([
      expect.objectContaining({ actorId: null, actorLabel: "teacher-token:create (command line)" }),
    ]);
    await expectAppError(
      app.caller().user.register({ email: freshEmail("other"), password: PASSWORD, name: "Other", teacherToken: token }),
      "BAD_REQUEST",
      "TEACHER_TOKEN_INVALID",
    );
    expect(await app.caller().user.register({ email: teacher, password: PASSWORD, name: "Bound", teacherToken: token })).toEqual({
      verified: true,
    });
  });

  it("--domain binds it to one domain; both at once, or a bad domain, are refused and nothing is stored", async () => {
    const result = teacherTokenCreate(["--domain", "@Staff.School.Example"]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("only for addresses @staff.school.example.");
    const row = await app.db.teacherToken.findUniqueOrThrow({ where: { tokenHash: hashToken(result.stdout.trim()) } });
    expect(row).toMatchObject({ email: null, domain: "staff.school.example" });

    const before = await app.db.teacherToken.count();
    const both = teacherTokenCreate(["--email", "a@school.example", "--domain", "school.example"]);
    expect(both.status).toBe(1);
    expect(both.stdout).toBe("");
    expect(both.stderr).toContain("domain: Bind the token to one address or to one domain, not both.");
    const bad = teacherTokenCreate(["--domain", "localhost"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("domain: Enter a domain such as school.example.");
    expect(await app.db.teacherToken.count()).toBe(before);
  });
});
