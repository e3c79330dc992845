// What the /verify and /reset-password pages read from a link before anyone
// acts on it: whose account and which address, or why the link is dead, and
// reading it changes nothing (a mail scanner opening the link consumes nothing).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@/server/auth/secret-token";
import { previewResetLink } from "@/server/services/password-reset";
import { previewAddressLink } from "@/server/services/registration";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { snapshot } from "../support/roles";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function registerStudent(name: string) {
  const email = freshEmail("preview");
  await app.caller().user.register({ email, password: PASSWORD, name });
  return { email, token: tokenFromLink((await app.mailsTo(email)).at(-1)!.text, "/verify") };
}

const tokenRow = (token: string) => app.db.emailVerificationToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });

describe("previewAddressLink", () => {
  it("names the address and the account, and reading it (again and again) changes nothing", async () => {
    const { email, token } = await registerStudent("Grace Hopper");
    const before = await snapshot(app);
    for (let i = 0; i < 3; i++) {
      expect(await previewAddressLink(app.services, token)).toMatchObject({
        state: "valid",
        purpose: "verify",
        email,
        currentEmail: null,
      });
    }
    expect(await snapshot(app)).toEqual(before);
    expect((await tokenRow(token)).usedAt).toBeNull();
    expect((await app.db.login.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();
    await expectAppError(app.caller().session.create({ email, password: PASSWORD }), "UNAUTHORIZED", "INVALID_CREDENTIALS");
    // Only the confirmation itself uses the link.
    await app.caller().user.verify({ token });
    expect(await previewAddressLink(app.services, token)).toEqual({ state: "used" });
  });

  it("a new address's link names the new address and the account's current one", async () => {
    const user = await seedUser(app, { name: "Katherine Johnson" });
    const token = await logInAs(app, user.email);
    const next = freshEmail("preview-new");
    await app.caller({ token }).user.update({ email: next, currentPassword: PASSWORD });
    const link = tokenFromLink((await app.mailsTo(next)).at(-1)!.text, "/verify");
    expect(await previewAddressLink(app.services, link)).toMatchObject({
      state: "valid",
      purpose: "change-email",
      email: next,
      currentEmail: user.email,
    });
    // Once the pending address is dropped (a password reset voids it), the link is dead, as verifyEmail would find.
    await app.db.login.update({ where: { userId: user.id }, data: { pendingEmail: null } });
    expect(await previewAddressLink(app.services, link)).toEqual({ state: "invalid" });
    await expectAppError(app.caller().user.verify({ token: link }), "BAD_REQUEST", "TOKEN_INVALID");
  });

  it("expired, unknown, malformed and reset links are not address links", async () => {
    const { token } = await registerStudent("Expired Link");
    await app.db.emailVerificationToken.update({
      where: { tokenHash: hashToken(token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await previewAddressLink(app.services, token)).toEqual({ state: "expired" });
    expect(await previewAddressLink(app.services, "x".repeat(43))).toEqual({ state: "invalid" });
    expect(await previewAddressLink(app.services, "x".repeat(201))).toEqual({ state: "invalid" });
    expect(await previewAddressLink(app.services, ["a", "b"])).toEqual({ state: "invalid" });
    const user = await seedUser(app);
    await app.caller().user.requestPasswordReset({ email: user.email });
    const reset = tokenFromLink((await app.mailsTo(user.email)).at(-1)!.text, "/reset-password");
    expect(await previewAddressLink(app.services, reset)).toEqual({ state: "invalid" });
  });
});

describe("previewResetLink", () => {
  it("names whose password it sets, changes nothing, and is dead once used", async () => {
    const user = await seedUser(app, { name: "Dorothy Vaughan" });
    await app.caller().user.requestPasswordReset({ email: user.email });
    const token = tokenFromLink((await app.mailsTo(user.email)).at(-1)!.text, "/reset-password");
    const before = await snapshot(app);
    expect(await previewResetLink(app.services, token)).toMatchObject({ state: "valid", email: user.email, name: "Dorothy Vaughan" });
    expect(await snapshot(app)).toEqual(before);
    expect((await tokenRow(token)).usedAt).toBeNull();
    await app.caller().user.resetPassword({ token, password: "a wholly unrelated passphrase" });
    expect(await previewResetLink(app.services, token)).toEqual({ state: "used" });
  });

  it("an address link is not a reset link", async () => {
    const { token } = await registerStudent("Not A Reset");
    expect(await previewResetLink(app.services, token)).toEqual({ state: "invalid" });
  });
});
