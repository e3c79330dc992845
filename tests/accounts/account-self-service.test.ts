// user.update and user.delete: all or nothing, with the rules around email,
// password and the last admin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { freshEmail, logInAs, PASSWORD, seedUser, signedIn } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { snapshot } from "../support/roles";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("user.update", () => {
  it("changes the name and ignores unknown keys", async () => {
    const { user, token } = await signedIn(app);
    const me = await app.caller({ token }).user.update({ name: "  New Name ", admin: true, teacher: true } as never);
    expect(me.name).toBe("New Name");
    const after = await app.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toMatchObject({ name: "New Name", admin: false, teacher: false });
  });

  it("a new email stays pending until its link is used; the old address is told", async () => {
    const { user, token } = await signedIn(app);
    const next = freshEmail("moved");
    const me = await app.caller({ token }).user.update({ email: next.toUpperCase(), currentPassword: PASSWORD });
    expect(me).toMatchObject({ email: user.email, pendingEmail: next });
    const notice = (await app.mailsTo(user.email)).at(-1)!;
    expect(notice.kind).toBe("email-change-notice");
    expect(notice.text).toContain(next);
    const confirm = (await app.mailsTo(next)).at(-1)!;
    expect(confirm.kind).toBe("confirm-new-email");
    // Until confirmed, the old address still logs in.
    await logInAs(app, user.email);
    const session = await app.caller().user.verify({ token: tokenFromLink(confirm.text, "/verify") });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: session.userId } })).toMatchObject({ email: next, pendingEmail: null });
    await logInAs(app, next);
  });

  it("a confirmation whose address was taken meanwhile is EMAIL_TAKEN; the account keeps its address", async () => {
    const { user, token } = await signedIn(app);
    const next = freshEmail("contested");
    await app.caller({ token }).user.update({ email: next, currentPassword: PASSWORD });
    const confirm = (await app.mailsTo(next)).at(-1)!;
    await seedUser(app, { email: next });
    await expectAppError(app.caller().user.verify({ token: tokenFromLink(confirm.text, "/verify") }), "CONFLICT", "EMAIL_TAKEN");
    expect(await app.caller({ token }).user.get()).toMatchObject({ email: user.email, pendingEmail: next });
    await logInAs(app, user.email);
  });

  it("a newer email change voids the older link", async () => {
    const { user, token } = await signedIn(app);
    const [first, second] = [freshEmail("first"), freshEmail("second")];
    await app.caller({ token }).user.update({ email: first, currentPassword: PASSWORD });
    await app.caller({ token }).user.update({ email: second, currentPassword: PASSWORD });
    // The first change's mail is dropped by the worker (no longer the pending address) or its link is void.
    const firstMails = await app.mailsTo(first);
    for (const mail of firstMails) {
      await expectAppError(app.caller().user.verify({ token: tokenFromLink(mail.text, "/verify") }), "BAD_REQUEST", "TOKEN_INVALID");
    }
    const newer = tokenFromLink((await app.mailsTo(second)).at(-1)!.text, "/verify");
    await app.caller().user.verify({ token: newer });
    expect(await app.db.login.findUniqueOrThrow({ where: { userId: user.id } })).toMatchObject({ email: second, pendingEmail: null });
  });

  it("a wrong current password is WRONG_PASSWORD and nothing is written", async () => {
    const { token } = await signedIn(app);
    const before = await snapshot(app);
    await expectAppError(
      app.caller({ token }).user.update({ name: "Changed", password: { current: "not my password", next: "a brand new passphrase" } }),
      "FORBIDDEN",
      "WRONG_PASSWORD",
    );
    expect(await snapshot(app)).toEqual(before);
  });

  it("a bad value anywhere is VALIDATION_FAILED and nothing is written", async () => {
    const { token } = await signedIn(app);
    const before = await snapshot(app);
    await expectAppError(app.caller({ token }).user.update({ name: "Fine", email: "not-an-address" }), "BAD_REQUEST", "VALIDATION_FAILED");
    await expectAppError(
      app.caller({ token }).user.update({ name: "Fine", password: { current: PASSWORD, next: "qwerty123456" } }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect(await snapshot(app)).toEqual(before);
  });

  it("a new password needs the current one and revokes every other session, not this one", async () => {
    const { user, token } = await signedIn(app);
    const other = await logInAs(app, user.email);
    await app.caller({ token }).user.update({ password: { current: PASSWORD, next: "a brand new passphrase" } });
    await expect(app.caller({ token: other }).session.validate()).rejects.toMatchObject({ appCode: "SESSION_INVALID" });
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id });
    const login = await app.db.login.findUniqueOrThrow({ where: { userId: user.id } });
    expect(await verifyPassword(login.passwordHash, "a brand new passphrase")).toBe(true);
  });
});

describe("user.delete", () => {
  it("with the wrong password is WRONG_PASSWORD and deletes nothing", async () => {
    const { user, token } = await signedIn(app);
    await expectAppError(app.caller({ token }).user.delete({ password: "not my password" }), "FORBIDDEN", "WRONG_PASSWORD");
    expect(await app.db.user.count({ where: { id: user.id } })).toBe(1);
  });

  it("deletes the account, its login, sessions and tokens, and clears the cookie", async () => {
    const { user, token } = await signedIn(app);
    await app.db.emailVerificationToken.create({
      data: { tokenHash: `h-${user.id}`, userId: user.id, email: user.email, expiresAt: new Date(Date.now() + 60_000) },
    });
    const resHeaders = new Headers();
    expect(await app.caller({ token, resHeaders }).user.delete({ password: PASSWORD })).toEqual({ ok: true });
    expect(resHeaders.getSetCookie()[0]).toMatch(/^session=;/);
    expect(await app.db.user.count({ where: { id: user.id } })).toBe(0);
    expect(await app.db.login.count({ where: { userId: user.id } })).toBe(0);
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await app.db.emailVerificationToken.count({ where: { userId: user.id } })).toBe(0);
    await expect(app.caller({ token }).session.validate()).rejects.toMatchObject({ appCode: "SESSION_INVALID" });
  });

  it("the last admin cannot delete their account: LAST_ADMIN", async () => {
    const solo = await createTestApp();
    try {
      const admin = await seedUser(solo, { admin: true });
      const token = await logInAs(solo, admin.email);
      await expectAppError(solo.caller({ token }).user.delete({ password: PASSWORD }), "CONFLICT", "LAST_ADMIN");
      expect(await solo.db.user.count({ where: { id: admin.id } })).toBe(1);
    } finally {
      await solo.close();
    }
  });
});
