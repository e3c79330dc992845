import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ARGON2_OPTIONS, hashPool } from "@/server/auth/password";
import { hashToken } from "@/server/auth/secret-token";
import { consumeTeacherToken, createTeacherToken } from "@/server/services/teacher-tokens";
import { RATE_LIMITS } from "@/shared/policy";
import { freshEmail, logInAs, PASSWORD } from "../support/accounts";
import { testDbKind } from "../support/databases";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const password = PASSWORD;
const fresh = () => freshEmail("person");

describe("user.register", () => {
  it("creates an unverified user and login and mails a verification link", async () => {
    const email = fresh();
    const result = await app.caller().user.register({ email: `  ${email.toUpperCase()} `, password, name: " Ada " });
    expect(result).toEqual({ verified: false });
    const login = await app.db.login.findUnique({ where: { email }, include: { user: true } });
    expect(login?.user.name).toBe("Ada");
    expect(login?.emailVerifiedAt).toBeNull();
    const { memoryCost, timeCost } = ARGON2_OPTIONS;
    expect(login?.passwordHash).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${memoryCost},t=${timeCost},p=1\\$`));
    expect(login?.user.teacher).toBe(false);
    const [mail] = await app.mailsTo(email);
    expect(mail?.kind).toBe("verify-email");
    expect(mail?.html).toContain("/verify?token=");
    const token = tokenFromLink(mail!.text, "/verify");
    expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    const stored = await app.db.emailVerificationToken.findFirst({ where: { userId: login!.userId } });
    expect(stored?.tokenHash).not.toBe(token);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBeCloseTo(24 * 3600 * 1000, -4);
  });

  it.each([
    ["email", { email: "not-an-email", password, name: "A" }],
    ["password", { email: "a@b.example", password: "short", name: "A" }],
    ["password", { email: "a@b.example", password: "x".repeat(129), name: "A" }],
    ["name", { email: "a@b.example", password, name: "   " }],
    ["name", { email: "a@b.example", password, name: "n".repeat(101) }],
  ])("refuses a bad %s with VALIDATION_FAILED naming it", async (field, input) => {
    const before = await app.db.user.count();
    const error = await expectAppError(app.caller().user.register(input), "BAD_REQUEST", "VALIDATION_FAILED");
    expect(error.message).toContain(field);
    expect(await app.db.user.count()).toBe(before);
  });

  it("refuses a common password, naming the field", async () => {
    const error = await expectAppError(
      app.caller().user.register({ email: fresh(), password: "qwerty123456", name: "A" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect(error.message).toMatch(/^password:/);
  });

  it("answers an existing address exactly like a new one and mails its owner", async () => {
    const email = fresh();
    await app.caller({ ip: "198.51.100.7" }).user.register({ email, password, name: "Owner" });
    await app.mailsTo(email);
    await app.db.login.update({ where: { email }, data: { emailVerifiedAt: new Date() } });
    const again = await app.caller({ ip: "198.51.100.8" }).user.register({ email, password: "a different long password", name: "Other" });
    expect(again).toEqual({ verified: false });
    expect(await app.db.login.count({ where: { email } })).toBe(1);
    const mails = await app.mailsTo(email);
    expect(mails.map((m) => m.kind)).toEqual(["verify-email", "registration-attempt"]);
    expect(mails[1]!.text).toContain(`${app.config.APP_URL}/login`);
  });

  // Registering someone's address first, unconfirmed, with one's own password
  // used to hold it: the owner's own registration was answered "you already
  // have an account", and confirming then handed the squatter an account at
  // the owner's address. Until the address is confirmed, the newest
  // registration replaces the older one, whose links die with it.
  it("a new registration of an address nobody has confirmed replaces that registration and its links", async () => {
    const email = fresh();
    const bystander = fresh();
    await app.caller({ ip: "198.51.100.17" }).user.register({ email: bystander, password, name: "Bystander" });
    await app.caller({ ip: "198.51.100.18" }).user.register({ email, password: "a password chosen by another", name: "Squatter" });
    const squatterLink = tokenFromLink((await app.mailsTo(email)).at(-1)!.text, "/verify");
    const squatter = await app.db.login.findUniqueOrThrow({ where: { email } });

    expect(await app.caller({ ip: "198.51.100.19" }).user.register({ email, password, name: "Olive Owner" })).toEqual({ verified: false });
    expect(await app.db.user.findUnique({ where: { id: squatter.userId } })).toBeNull();
    const owner = await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } });
    expect(owner).toMatchObject({ emailVerifiedAt: null, user: { name: "Olive Owner", teacher: false } });
    const latest = (await app.mailsTo(email)).at(-1)!;
    expect(latest.kind).toBe("verify-email");
    await expectAppError(app.caller().user.verify({ token: squatterLink }), "BAD_REQUEST", "TOKEN_INVALID");
    expect(await app.caller().user.verify({ token: tokenFromLink(latest.text, "/verify") })).toMatchObject({ userId: owner.userId });
    await expectAppError(
      app.caller().session.create({ email, password: "a password chosen by another" }),
      "UNAUTHORIZED",
      "INVALID_CREDENTIALS",
    );
    expect(await logInAs(app, email, password)).toBeTruthy();
    expect(await app.db.login.findUniqueOrThrow({ where: { email: bystander } })).toMatchObject({ emailVerifiedAt: null });
  });

  it.each(["teacher", "admin", "privilegedStudent", "reportSpammer"] as const)(
    "an account given the %s flag is not replaced, though its address is unconfirmed",
    async (flag) => {
      const email = fresh();
      await app.caller({ ip: "198.51.100.23" }).user.register({ email, password, name: "Pupil" });
      const held = await app.db.login.findUniqueOrThrow({ where: { email } });
      await app.db.user.update({ where: { id: held.userId }, data: { [flag]: true } });
      expect(
        await app.caller({ ip: "198.51.100.24" }).user.register({ email, password: "a password chosen by another", name: "Mallory" }),
      ).toEqual({
        verified: false,
      });
      expect(await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } })).toMatchObject({
        userId: held.userId,
        passwordHash: held.passwordHash,
        user: { name: "Pupil", [flag]: true },
      });
    },
  );

  // PostgreSQL: a registration replacing an unconfirmed account while its
  // confirmation commits. Another connection holds the confirmation's update
  // of the login row; the registration's removal waits for it, then finds
  // the address confirmed and removes nothing.
  it.runIf(testDbKind() === "postgres")(
    "a confirmation committing meanwhile keeps its account: the registration replaces nothing",
    async () => {
      const email = fresh();
      await app.caller({ ip: "198.51.100.25" }).user.register({ email, password, name: "Owner" });
      const held = await app.db.login.findUniqueOrThrow({ where: { email } });
      const client = new pg.Client({ connectionString: app.config.DATABASE_URL });
      await client.connect();
      try {
        await client.query("BEGIN");
        await client.query(`UPDATE "Login" SET "emailVerifiedAt" = now() WHERE "email" = $1`, [email]);
        const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
        const registering = Promise.allSettled([
          app.caller({ ip: "198.51.100.26" }).user.register({ email, password: "a password chosen by another", name: "Mallory" }),
        ]);
        for (let polls = 0; ; polls++) {
          const blocked = await client.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND $1 = ANY(pg_blocking_pids(pid))`, [pid]);
          if (blocked.rowCount) break;
          if (polls > 1000) throw new Error("the registration never waited for the confirmation");
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await client.query("COMMIT");
        const [result] = await registering;
        expect(result).toMatchObject({ status: "fulfilled", value: { verified: false } });
      } finally {
        await client.end();
      }
      expect(await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } })).toMatchObject({
        userId: held.userId,
        passwordHash: held.passwordHash,
        emailVerifiedAt: expect.any(Date),
        user: { name: "Owner" },
      });
    },
  );

  // Whoever registers an address names the account: until the address is
  // confirmed, no mail to it carries that name (a stranger's text from our domain).
  it("mails to an unconfirmed address never carry the name it was registered with", async () => {
    const email = fresh();
    const bait = "Account suspended: sign in at evil.example";
    // The newest registration names the account until the address is confirmed.
    await app.caller({ ip: "198.51.100.18" }).user.register({ email, password, name: "Other" });
    await app.caller({ ip: "198.51.100.17" }).user.register({ email, password, name: bait });
    await app.caller({ ip: "198.51.100.19" }).user.requestPasswordReset({ email });
    // An account asking to move to that address: an unconfirmed holder does not hold it, so the link goes out.
    const mover = fresh();
    await app.caller({ ip: "198.51.100.20" }).user.register({ email: mover, password, name: "Mo Ver" });
    await app.db.login.update({ where: { email: mover }, data: { emailVerifiedAt: new Date() } });
    const moverToken = await logInAs(app, mover);
    await app.caller({ token: moverToken }).user.update({ email, currentPassword: password });
    const mails = await app.mailsTo(email);
    expect(mails.map((m) => m.kind).sort()).toEqual(["confirm-new-email", "reset-password", "verify-email"]);
    for (const mail of mails) {
      expect(mail.text).not.toContain("evil.example");
      expect(mail.html).not.toContain("evil.example");
      expect(mail.text).toMatch(/^Hello,$/m);
    }
    // Confirmed, the address is the account's owner's: the same mails greet them by name.
    await app.db.login.update({ where: { email }, data: { emailVerifiedAt: new Date() } });
    await app.db.user.updateMany({ where: { login: { email } }, data: { name: "Rightful Owner" } });
    await app.caller({ ip: "198.51.100.21" }).user.requestPasswordReset({ email });
    await app.caller({ ip: "198.51.100.22" }).user.register({ email, password, name: "Other" });
    const later = (await app.mailsTo(email)).slice(mails.length);
    expect(later.map((m) => m.kind).sort()).toEqual(["registration-attempt", "reset-password"]);
    for (const mail of later) expect(mail.text).toContain("Hello Rightful Owner,");
  });

  it("with a valid teacher token creates a verified teacher", async () => {
    const { token } = await createTeacherToken(app.db, { maxUses: 1 });
    const email = fresh();
    expect(await app.caller().user.register({ email, password, name: "Teach", teacherToken: token })).toEqual({ verified: true });
    const login = await app.db.login.findUnique({ where: { email }, include: { user: true } });
    expect(login?.user.teacher).toBe(true);
    expect(login?.emailVerifiedAt).not.toBeNull();
    // The audit log says which token made this teacher: a leaked token's teachers can be found.
    const { id: tokenId } = await app.db.teacherToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { id: true } });
    expect(await app.db.auditEntry.findMany({ where: { action: "registerWithTeacherToken", field: tokenId } })).toEqual([
      expect.objectContaining({
        actorId: login!.userId,
        actorLabel: "Teach",
        actorEmail: email,
        targetId: login!.userId,
        targetLabel: email,
      }),
    ]);
  });

  it("refuses an unknown, used-up, expired or revoked teacher token and creates nothing", async () => {
    const used = await createTeacherToken(app.db, { maxUses: 1 });
    await app.caller().user.register({ email: fresh(), password, name: "First", teacherToken: used.token });
    const expired = await createTeacherToken(app.db, {});
    await app.db.teacherToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await createTeacherToken(app.db, {});
    await app.db.teacherToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    for (const teacherToken of ["nope", used.token, expired.token, revoked.token]) {
      const email = fresh();
      const users = await app.db.user.count();
      await expectAppError(
        app.caller().user.register({ email, password, name: "X", teacherToken }),
        "BAD_REQUEST",
        "TEACHER_TOKEN_INVALID",
      );
      expect(await app.db.user.count()).toBe(users);
      expect(await app.mailsTo(email)).toHaveLength(0);
    }
  });
});

/** A client address of its own for each registration below (the per-address limit is 20 an hour). */
let lastIp = 100;
const nextIp = () => `198.51.100.${++lastIp}`;

describe("user.register with a teacher token and a known address", () => {
  async function knownAccount(verified: boolean) {
    const email = fresh();
    await app.caller({ ip: nextIp() }).user.register({ email, password, name: "Owner" });
    if (verified) await app.db.login.update({ where: { email }, data: { emailVerifiedAt: new Date() } });
    const before = await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } });
    return { email, before };
  }

  it.each([
    ["a verified", true],
    ["an unverified", false],
  ])("answers %s address exactly like a new one, takes the use, mails the owner and changes nothing", async (_, verified) => {
    const { email, before } = await knownAccount(verified);
    const mailsBefore = (await app.mailsTo(email)).length;
    const known = await createTeacherToken(app.db, { maxUses: 1 });
    const unknown = await createTeacherToken(app.db, { maxUses: 1 });
    const newAddress = fresh();

    const forKnown = await app
      .caller({ ip: nextIp() })
      .user.register({ email, password: "another long password", name: "Intruder", teacherToken: known.token });
    const forNew = await app
      .caller({ ip: nextIp() })
      .user.register({ email: newAddress, password, name: "New", teacherToken: unknown.token });
    expect(forKnown).toEqual({ verified: true });
    expect(forKnown).toEqual(forNew);

    // A retry cannot tell them apart either: both one-use tokens are spent.
    for (const token of [known.token, unknown.token]) {
      await expectAppError(
        app.caller({ ip: nextIp() }).user.register({ email: fresh(), password, name: "Retry", teacherToken: token }),
        "BAD_REQUEST",
        "TEACHER_TOKEN_INVALID",
      );
    }
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id: known.id } })).uses).toBe(1);

    const after = await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } });
    expect(after).toEqual(before);
    expect(after.user.teacher).toBe(false);
    const mails = await app.mailsTo(email);
    expect(mails).toHaveLength(mailsBefore + 1);
    expect(mails.at(-1)!.kind).toBe("registration-attempt");
    expect(await app.mailsTo(newAddress)).toHaveLength(0);
  });
});

describe("user.register with a bound teacher token", () => {
  it("a token bound to one address admits that address only; another is refused before any work, keeping the use", async () => {
    const teacher = fresh();
    const { id, token } = await createTeacherToken(app.db, { maxUses: 2, email: teacher.toUpperCase() });
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).email).toBe(teacher);
    const known = fresh();
    await app.caller({ ip: nextIp() }).user.register({ email: known, password, name: "Known" });
    const knownMails = (await app.mailsTo(known)).length;
    // Watched, not replaced: no password is hashed for a refused claim.
    const hashing = vi.spyOn(hashPool, "run");
    try {
      for (const other of [fresh(), known]) {
        const users = await app.db.user.count();
        await expectAppError(
          app.caller({ ip: nextIp() }).user.register({ email: other, password, name: "Claimant", teacherToken: token }),
          "BAD_REQUEST",
          "TEACHER_TOKEN_INVALID",
        );
        expect(await app.db.user.count()).toBe(users);
      }
      expect(hashing).not.toHaveBeenCalled();
    } finally {
      hashing.mockRestore();
    }
    // The known address's owner is not told either: the refusal came first.
    expect(await app.mailsTo(known)).toHaveLength(knownMails);
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(0);

    expect(
      await app
        .caller({ ip: nextIp() })
        .user.register({ email: ` ${teacher.toUpperCase()} `, password, name: "Bound", teacherToken: token }),
    ).toEqual({ verified: true });
    const login = await app.db.login.findUniqueOrThrow({ where: { email: teacher }, include: { user: true } });
    expect(login.user.teacher).toBe(true);
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(1);
  });

  it("a token bound to a domain admits addresses at exactly that domain, not its subdomains or look-alikes", async () => {
    const { id, token } = await createTeacherToken(app.db, { maxUses: 10, domain: "@Staff.Example" });
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).domain).toBe("staff.example");
    const stamp = Date.now();
    for (const other of [
      `a${stamp}@pupils.staff.example`,
      `b${stamp}@staff.example.evil`,
      `c${stamp}@evilstaff.example`,
      `d${stamp}@school.example`,
    ]) {
      await expectAppError(
        app.caller({ ip: nextIp() }).user.register({ email: other, password, name: "Other", teacherToken: token }),
        "BAD_REQUEST",
        "TEACHER_TOKEN_INVALID",
      );
      expect(await app.db.login.count({ where: { email: other } })).toBe(0);
    }
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(0);
    const email = `e${stamp}@STAFF.example`;
    expect(await app.caller({ ip: nextIp() }).user.register({ email, password, name: "Staff", teacherToken: token })).toEqual({
      verified: true,
    });
    expect((await app.db.login.findUniqueOrThrow({ where: { email: email.toLowerCase() }, include: { user: true } })).user.teacher).toBe(
      true,
    );
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(1);
  });

  it("taking a use checks the binding too, not only the early check", async () => {
    const teacher = fresh();
    const { id, token } = await createTeacherToken(app.db, { email: teacher });
    await expect(app.db.$transaction((tx) => consumeTeacherToken(tx, token, fresh()))).rejects.toMatchObject({
      appCode: "TEACHER_TOKEN_INVALID",
    });
    const domainBound = await createTeacherToken(app.db, { domain: "staff.example" });
    await expect(app.db.$transaction((tx) => consumeTeacherToken(tx, domainBound.token, "x@pupils.staff.example"))).rejects.toMatchObject({
      appCode: "TEACHER_TOKEN_INVALID",
    });
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(0);
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id: domainBound.id } })).uses).toBe(0);
    await app.db.$transaction((tx) => consumeTeacherToken(tx, token, teacher));
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(1);
  });

  it("a token is never bound to both an address and a domain", async () => {
    await expect(createTeacherToken(app.db, { email: "a@staff.example", domain: "staff.example" })).rejects.toThrow(/not both/);
  });
});

describe("user.verify", () => {
  async function registered() {
    const email = fresh();
    await app.caller().user.register({ email, password, name: "V" });
    const [mail] = await app.mailsTo(email);
    return { email, token: tokenFromLink(mail!.text, "/verify") };
  }

  /** The address's budget for wrong log-ins from unknown clients, spent, as a day of anyone's wrong guesses leaves it. */
  async function spendLogInBudgetOf(email: string) {
    await app.db.rateLimit.create({
      data: {
        key: `loginFailuresPerAccount:${email}`,
        points: RATE_LIMITS.loginFailuresPerAccount.points,
        expire: new Date(Date.now() + 3600_000),
      },
    });
  }

  it("verifies, consumes the token and logs in", async () => {
    const { email, token } = await registered();
    const resHeaders = new Headers();
    const session = await app.caller({ resHeaders }).user.verify({ token });
    const login = await app.db.login.findUnique({ where: { email } });
    expect(login?.emailVerifiedAt).not.toBeNull();
    expect(session.userId).toBe(login!.userId);
    expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(resHeaders.getSetCookie().join()).toMatch(/^session=/);
    await expectAppError(app.caller().user.verify({ token }), "BAD_REQUEST", "TOKEN_INVALID");
  });

  it("refuses an unknown token", async () => {
    await expectAppError(app.caller().user.verify({ token: "x".repeat(43) }), "BAD_REQUEST", "TOKEN_INVALID");
  });

  // The last registration of an address nobody has confirmed wins, and the
  // mailbox's owner clicks whichever link arrives: with the password, the
  // link confirms only the account its clicker registered.
  it("with the password (as the page sends it): the registration's own confirms; another's is WRONG_PASSWORD and the link stays unused", async () => {
    const email = fresh();
    await app.caller({ ip: "198.51.100.30" }).user.register({ email, password, name: "Owner" });
    // Someone else registers the address after the owner did: theirs replaces it, and its link is mailed.
    await app.caller({ ip: "198.51.100.31" }).user.register({ email, password: "a password chosen by another", name: "Mallory" });
    const link = tokenFromLink((await app.mailsTo(email)).at(-1)!.text, "/verify");
    const before = await app.db.login.findUniqueOrThrow({ where: { email } });
    const refused = await expectAppError(
      app.caller({ ip: "198.51.100.30" }).user.verify({ token: link, password }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
    expect(refused.message).toMatch(/not the password this account was registered with/);
    expect(await app.db.login.findUniqueOrThrow({ where: { email } })).toEqual(before);
    expect((await app.db.emailVerificationToken.findFirstOrThrow({ where: { tokenHash: hashToken(link) } })).usedAt).toBeNull();
    // Registering again makes it the owner's; its link confirms with their password.
    await app.caller({ ip: "198.51.100.30" }).user.register({ email, password, name: "Owner" });
    const own = tokenFromLink((await app.mailsTo(email)).at(-1)!.text, "/verify");
    await expectAppError(app.caller().user.verify({ token: link, password }), "BAD_REQUEST", "TOKEN_INVALID");
    expect(await app.caller().user.verify({ token: own, password })).toMatchObject({ aal: "aal1", method: "link" });
    expect(await app.db.login.findUniqueOrThrow({ where: { email }, include: { user: true } })).toMatchObject({
      user: { name: "Owner" },
      emailVerifiedAt: expect.any(Date),
    });
  });

  it(`wrong registration passwords spend the link's own budget, ${RATE_LIMITS.registrationPasswordPerLink.points} a day; others' wrong log-ins never stop it`, async () => {
    const { email, token } = await registered();
    // Anyone may spend the address's log-in budgets with wrong log-ins: the link does not draw on them.
    await spendLogInBudgetOf(email);
    const other = await registered();
    for (let i = 0; i < RATE_LIMITS.registrationPasswordPerLink.points; i++) {
      await expectAppError(
        app.caller({ ip: `198.51.100.${40 + i}` }).user.verify({ token, password: "not the password at all" }),
        "FORBIDDEN",
        "WRONG_PASSWORD",
      );
    }
    await expectAppError(app.caller({ ip: "198.51.100.49" }).user.verify({ token, password }), "TOO_MANY_REQUESTS", "RATE_LIMITED");
    expect((await app.db.login.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();
    // Another link keeps its own budget, whoever spent this one.
    expect(await app.caller({ ip: "198.51.100.49" }).user.verify({ token: other.token, password })).toMatchObject({ method: "link" });
  });

  it("the right registration password confirms though the address's log-in budgets are spent", async () => {
    const { email, token } = await registered();
    await spendLogInBudgetOf(email);
    expect(await app.caller({ ip: "198.51.100.50" }).user.verify({ token, password })).toMatchObject({ method: "link" });
    expect((await app.db.login.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).not.toBeNull();
  });

  it("refuses an expired token with TOKEN_EXPIRED and leaves the login unverified", async () => {
    const { email, token } = await registered();
    await app.db.emailVerificationToken.updateMany({ where: { email }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expectAppError(app.caller().user.verify({ token }), "BAD_REQUEST", "TOKEN_EXPIRED");
    expect((await app.db.login.findUnique({ where: { email } }))?.emailVerifiedAt).toBeNull();
  });
});

describe("user.resendVerification", () => {
  it("sends a fresh link to an unverified address; the older one stops working", async () => {
    const email = fresh();
    await app.caller().user.register({ email, password, name: "R" });
    const first = tokenFromLink((await app.mailsTo(email))[0]!.text, "/verify");
    expect(await app.caller().user.resendVerification({ email })).toEqual({ ok: true });
    const mails = await app.mailsTo(email);
    expect(mails).toHaveLength(2);
    const second = tokenFromLink(mails[1]!.text, "/verify");
    await expectAppError(app.caller().user.verify({ token: first }), "BAD_REQUEST", "TOKEN_INVALID");
    await app.caller().user.verify({ token: second });
  });

  it("answers the same for unknown and verified addresses and sends nothing", async () => {
    const unknown = fresh();
    expect(await app.caller().user.resendVerification({ email: unknown })).toEqual({ ok: true });
    expect(await app.mailsTo(unknown)).toHaveLength(0);
    const { token } = await createTeacherToken(app.db, {});
    const verified = fresh();
    await app.caller().user.register({ email: verified, password, name: "T", teacherToken: token });
    expect(await app.caller().user.resendVerification({ email: verified })).toEqual({ ok: true });
    expect(await app.mailsTo(verified)).toHaveLength(0);
  });
});

describe("registration and confirmation under parallel requests", () => {
  it("50 parallel registrations of one address make one account", async () => {
    const email = freshEmail("race");
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        app.caller({ ip: `10.1.${Math.floor(i / 20)}.${i}` }).user.register({ email, password: PASSWORD, name: `R${i}` }),
      ),
    );
    for (const r of results) {
      if (r.status === "rejected") expect((r.reason as { appCode: string }).appCode).toBe("RATE_LIMITED");
      else expect(r.value).toEqual({ verified: false });
    }
    expect(await app.db.login.count({ where: { email } })).toBe(1);
    expect(await app.db.user.count({ where: { name: { startsWith: "R" }, login: { is: { email } } } })).toBe(1);
  });

  it("20 parallel uses of one verification link make one session", async () => {
    const email = freshEmail("link");
    await app.caller().user.register({ email, password: PASSWORD, name: "Link" });
    const token = tokenFromLink((await app.mailsTo(email))[0]!.text, "/verify");
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => app.caller().user.verify({ token })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as { appCode: string }).appCode).toBe("TOKEN_INVALID");
    const login = await app.db.login.findUniqueOrThrow({ where: { email } });
    expect(await app.db.session.count({ where: { userId: login.userId } })).toBe(1);
  });

  it("parallel registrations with a teacher token never exceed its maxUses", async () => {
    const { id, token } = await createTeacherToken(app.db, { maxUses: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        app
          .caller({ ip: `10.2.0.${i}` })
          .user.register({ email: freshEmail("tt"), password: PASSWORD, name: `T${i}`, teacherToken: token }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect((await app.db.teacherToken.findUniqueOrThrow({ where: { id } })).uses).toBe(3);
  });
});
