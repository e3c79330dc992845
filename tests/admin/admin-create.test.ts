// npm run admin:create: the service's rules, then the command itself run as a
// child process against this file's database.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { type AddressHolder, bootstrapAdmin } from "@/server/services/admin-bootstrap";
import { issueSession } from "@/server/services/sessions";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  // The mail provider is down: queued mail stays queued, as it would while Resend is unreachable.
  app = await createTestApp({ resend: true });
  app.capture!.mode = "fail";
});
afterAll(() => app.close());

// Not containing "admin" or "Ada": the password rules refuse the person's name.
const ADMIN_PASSWORD = "a trusted passphrase here";
const ATTACKER_PASSWORD = "the attacker's own passphrase";
const meta = { ip: "198.51.100.66", userAgent: "test", deviceCookie: null };

/** What someone who got to the address first leaves behind: an unverified account, its link, its mail and a session. */
async function squattedAddress() {
  const email = freshEmail("squatted");
  await app.caller({ ip: "198.51.100.66" }).user.register({ email, password: ATTACKER_PASSWORD, name: "Mallory" });
  const login = await app.db.login.findUniqueOrThrow({ where: { email } });
  // The provider is down: the composed mail waits in the outbox, its link in its body.
  await app.services.mail.kick();
  const queued = await app.db.outboxEmail.findFirstOrThrow({ where: { to: email, kind: "verify-email" } });
  const link = tokenFromLink(queued.text ?? "", "/verify");
  const session = await issueSession(app.db, 3600, login.userId, meta);
  await app.services.mail.kick();
  return { email, userId: login.userId, passwordHash: login.passwordHash, link, session: session.token };
}

/** A bystander whose rows must survive whatever happens to the address. */
async function bystander() {
  const user = await seedUser(app, { verified: false });
  await app.caller().user.resendVerification({ email: user.email });
  const session = await issueSession(app.db, 3600, user.id, meta);
  await app.services.mail.kick();
  return { ...user, session: session.token };
}

async function expectBystanderUntouched(b: Awaited<ReturnType<typeof bystander>>) {
  const after = await app.db.user.findUniqueOrThrow({ where: { id: b.id }, include: { login: true } });
  expect(after.admin).toBe(false);
  expect(after.login?.emailVerifiedAt).toBeNull();
  expect(await app.db.session.count({ where: { userId: b.id } })).toBe(1);
  expect(await app.db.emailVerificationToken.count({ where: { userId: b.id } })).toBe(1);
  expect(await app.db.outboxEmail.count({ where: { to: b.email, status: "pending" } })).toBe(1);
}

const neverAsked = () => {
  throw new Error("the password must not be asked for");
};

describe("bootstrapAdmin (the service)", () => {
  it("creates a verified admin with the given password when nobody holds the address, and audits it", async () => {
    const email = freshEmail("admin");
    const result = await bootstrapAdmin(app.db, { email, name: "Ada Admin", password: () => ADMIN_PASSWORD });
    expect(result).toMatchObject({ outcome: "created", email });
    const login = await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } });
    expect(login.user.admin).toBe(true);
    expect(login.emailVerifiedAt).not.toBeNull();
    expect(await verifyPassword(login.passwordHash, ADMIN_PASSWORD)).toBe(true);
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { targetId: login.userId, action: "createAdmin" } });
    expect(entry).toMatchObject({ actorId: null, actorLabel: "admin:create (command line)", targetLabel: email });
  });

  it("never promotes an unverified account, with or without --promote, and changes nothing", async () => {
    const squat = await squattedAddress();
    const b = await bystander();
    for (const promote of [false, true]) {
      const result = await bootstrapAdmin(app.db, { email: squat.email, name: "Ada", password: neverAsked, promote });
      expect(result).toMatchObject({ outcome: "refused", reason: "unverified-account", holder: { userId: squat.userId, verified: false } });
    }
    const login = await app.db.login.findUniqueOrThrow({ where: { email: squat.email }, include: { user: true } });
    expect(login.user.admin).toBe(false);
    expect(login.emailVerifiedAt).toBeNull();
    expect(login.passwordHash).toBe(squat.passwordHash);
    expect(await app.db.session.count({ where: { userId: squat.userId } })).toBe(1);
    expect(await app.db.auditEntry.count({ where: { targetId: squat.userId } })).toBe(0);
    await expectBystanderUntouched(b);
  });

  it("refuses a verified account without --promote, asking no password and changing nothing", async () => {
    const owner = await seedUser(app, { name: "Olga Owner" });
    const result = await bootstrapAdmin(app.db, { email: owner.email, name: "Ada", password: neverAsked });
    expect(result).toMatchObject({ outcome: "refused", reason: "verified-account", holder: { userId: owner.id, verified: true } });
    expect((await app.db.user.findUniqueOrThrow({ where: { id: owner.id } })).admin).toBe(false);
  });

  it("with --promote makes a verified account an admin, keeping its password and name", async () => {
    const owner = await seedUser(app, { name: "Olga Owner" });
    const before = await app.db.login.findUniqueOrThrow({ where: { email: owner.email } });
    const result = await bootstrapAdmin(app.db, { email: owner.email.toUpperCase(), name: "Ignored", password: neverAsked, promote: true });
    expect(result).toEqual({ outcome: "promoted", userId: owner.id, email: owner.email, name: "Olga Owner" });
    const after = await app.db.user.findUniqueOrThrow({ where: { id: owner.id }, include: { login: true } });
    expect(after.admin).toBe(true);
    expect(after.name).toBe("Olga Owner");
    expect(after.login?.passwordHash).toBe(before.passwordHash);
    await logInAs(app, owner.email, PASSWORD);
    const entry = await app.db.auditEntry.findFirstOrThrow({ where: { targetId: owner.id, action: "setFlag" } });
    expect(entry).toMatchObject({ actorId: null, field: "admin", oldValue: "false", newValue: "true" });
  });

  it("leaves an account that is already a verified admin as it is", async () => {
    const admin = await seedUser(app, { admin: true });
    const result = await bootstrapAdmin(app.db, { email: admin.email, password: neverAsked });
    expect(result).toMatchObject({ outcome: "already-admin", userId: admin.id });
  });

  it("with --replace-unverified deletes the unverified account (sessions, links, queued mail) and creates the admin, after saying so", async () => {
    const squat = await squattedAddress();
    const b = await bystander();
    const told: AddressHolder[] = [];
    const result = await bootstrapAdmin(app.db, {
      email: squat.email,
      name: "Ada Admin",
      password: () => ADMIN_PASSWORD,
      replaceUnverified: true,
      beforeReplace: async (holder) => {
        told.push(holder);
        // Told before anything changed.
        expect(await app.db.user.count({ where: { id: squat.userId } })).toBe(1);
      },
    });
    expect(told).toEqual([expect.objectContaining({ userId: squat.userId, name: "Mallory", verified: false, sessions: 1, links: 1 })]);
    expect(result).toMatchObject({ outcome: "replaced", email: squat.email, replaced: { userId: squat.userId }, mailsDropped: 1 });
    if (result.outcome !== "replaced") throw new Error("not replaced");
    expect(result.userId).not.toBe(squat.userId);

    expect(await app.db.user.count({ where: { id: squat.userId } })).toBe(0);
    expect(await app.db.session.count({ where: { userId: squat.userId } })).toBe(0);
    expect(await app.db.emailVerificationToken.count({ where: { userId: squat.userId } })).toBe(0);
    expect(await app.db.outboxEmail.count({ where: { to: squat.email, status: "pending" } })).toBe(0);
    await expectAppError(app.caller({ token: squat.session }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
    await expectAppError(app.caller().user.verify({ token: squat.link }), "BAD_REQUEST", "TOKEN_INVALID");

    const login = await app.db.login.findUniqueOrThrow({ where: { email: squat.email }, include: { user: true } });
    expect(login.user).toMatchObject({ id: result.userId, name: "Ada Admin", admin: true });
    expect(login.emailVerifiedAt).not.toBeNull();
    expect(await verifyPassword(login.passwordHash, ADMIN_PASSWORD)).toBe(true);
    await expectAppError(
      app.caller().session.create({ email: squat.email, password: ATTACKER_PASSWORD }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    const actions = await app.db.auditEntry.findMany({ where: { targetLabel: squat.email }, orderBy: { createdAt: "asc" } });
    expect(actions.map((a) => [a.action, a.targetId])).toEqual([
      ["deleteUser", squat.userId],
      ["createAdmin", result.userId],
    ]);
    await expectBystanderUntouched(b);
  });

  it("--replace-unverified never deletes a verified account", async () => {
    const owner = await seedUser(app);
    const result = await bootstrapAdmin(app.db, { email: owner.email, name: "Ada", password: neverAsked, replaceUnverified: true });
    expect(result).toMatchObject({ outcome: "refused", reason: "verified-account" });
    expect(await app.db.user.count({ where: { id: owner.id } })).toBe(1);
  });

  it("replaces nothing when the unverified account was confirmed meanwhile", async () => {
    const squat = await squattedAddress();
    const error = await expectAppError(
      bootstrapAdmin(app.db, {
        email: squat.email,
        name: "Ada",
        replaceUnverified: true,
        // Between the look-up and the change, the owner confirms the address.
        password: async () => {
          await app.caller().user.verify({ token: squat.link });
          return ADMIN_PASSWORD;
        },
      }),
      "CONFLICT",
      "EMAIL_TAKEN",
    );
    expect(error.message).toContain("Run the command again");
    const login = await app.db.login.findUniqueOrThrow({ where: { email: squat.email }, include: { user: true } });
    expect(login.user).toMatchObject({ id: squat.userId, admin: false });
    expect(login.passwordHash).toBe(squat.passwordHash);
  });

  it("creates nothing when the address was registered meanwhile", async () => {
    const email = freshEmail("late");
    await expectAppError(
      bootstrapAdmin(app.db, {
        email,
        name: "Ada",
        password: async () => {
          await app.caller().user.register({ email, password: ATTACKER_PASSWORD, name: "Mallory" });
          return ADMIN_PASSWORD;
        },
      }),
      "CONFLICT",
      "EMAIL_TAKEN",
    );
    const login = await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } });
    expect(login.user).toMatchObject({ name: "Mallory", admin: false });
  });
});

function adminCreate(args: string[], env: Record<string, string> = {}) {
  const { ADMIN_PASSWORD: _inherited, ...inherited } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/admin-create.ts", ...args], {
    env: { ...inherited, DATABASE_URL: app.config.DATABASE_URL, ...env },
    encoding: "utf8",
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("npm run admin:create (the command)", () => {
  it("creates a verified admin with the password from ADMIN_PASSWORD", async () => {
    const email = freshEmail("admin");
    const result = adminCreate(["--email", email.toUpperCase(), "--name", "Ada Admin"], { ADMIN_PASSWORD });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Created admin ${email}`);
    // Admins need a second factor to use the dashboard: the tool says how to set one up.
    expect(result.stdout).toContain("set up two-step verification");
    const login = await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } });
    expect(login.user.admin).toBe(true);
    expect(login.emailVerifiedAt).not.toBeNull();
    expect(await verifyPassword(login.passwordHash, ADMIN_PASSWORD)).toBe(true);
  });

  it("refuses an unverified account (exit 3), even with --promote, naming --replace-unverified", async () => {
    const squat = await squattedAddress();
    const result = adminCreate(["--email", squat.email, "--name", "Ada", "--promote"], { ADMIN_PASSWORD });
    expect(result.status).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/never confirmed/);
    expect(result.stderr).toContain("--replace-unverified");
    const login = await app.db.login.findUniqueOrThrow({ where: { email: squat.email }, include: { user: true } });
    expect(login.user.admin).toBe(false);
    expect(login.emailVerifiedAt).toBeNull();
    expect(login.passwordHash).toBe(squat.passwordHash);
  });

  it("with --replace-unverified says what it deletes, then creates the admin", async () => {
    const squat = await squattedAddress();
    const result = adminCreate(["--email", squat.email, "--name", "Ada Admin", "--replace-unverified"], { ADMIN_PASSWORD });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const announced = result.stdout.indexOf(`--replace-unverified: ${squat.email} is held by an unverified account`);
    expect(announced).toBeGreaterThanOrEqual(0);
    expect(result.stdout.indexOf("Created admin")).toBeGreaterThan(announced);
    expect(result.stdout).toContain("1 session(s), 1 unused link(s)");
    expect(await app.db.user.count({ where: { id: squat.userId } })).toBe(0);
    const login = await app.db.login.findUniqueOrThrow({ where: { email: squat.email }, include: { user: true } });
    expect(login.user.admin).toBe(true);
    expect(await verifyPassword(login.passwordHash, ADMIN_PASSWORD)).toBe(true);
  });

  it("refuses a verified account without --promote (exit 3); with it, promotes and says whose password stands", async () => {
    const owner = await seedUser(app, { name: "Olga Owner" });
    const before = await app.db.login.findUniqueOrThrow({ where: { email: owner.email } });
    const refused = adminCreate(["--email", owner.email, "--name", "Ada"], { ADMIN_PASSWORD });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toContain("--promote");
    expect((await app.db.user.findUniqueOrThrow({ where: { id: owner.id } })).admin).toBe(false);

    const promoted = adminCreate(["--email", owner.email, "--promote"], { ADMIN_PASSWORD });
    expect(promoted.stderr).toBe("");
    expect(promoted.status).toBe(0);
    expect(promoted.stdout).toContain(`Promoted ${owner.email}`);
    expect(promoted.stdout).toContain("existing password stands: ADMIN_PASSWORD was not applied");
    const after = await app.db.user.findUniqueOrThrow({ where: { id: owner.id }, include: { login: true } });
    expect(after.admin).toBe(true);
    expect(after.login?.passwordHash).toBe(before.passwordHash);
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
    const result = adminCreate(["--email", email, "--name", "No Password"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("ADMIN_PASSWORD");
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });

  it("an unknown option or a missing --email is a usage error (exit 2) that changes nothing", async () => {
    const email = freshEmail("admin");
    const unknown = adminCreate(["--email", email, "--name", "Ada", "--force"], { ADMIN_PASSWORD });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("--force");
    expect(unknown.stderr).toContain("Usage:");
    const missing = adminCreate(["--name", "Ada"], { ADMIN_PASSWORD });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--email is required");
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });
});
