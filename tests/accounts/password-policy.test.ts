// Chosen passwords: the guessable shapes and the person's own name and address
// are refused wherever a password is chosen (registration, reset, change, the
// first admin), with a message saying what is wrong, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/server/auth/password";
import { hashToken } from "@/server/auth/secret-token";
import { bootstrapAdmin } from "@/server/services/admin-bootstrap";
import { PASSWORD_PROBLEMS, passwordProblem } from "@/shared/password-rules";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { snapshot } from "../support/roles";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

describe("passwordProblem", () => {
  const ada = { emails: ["ada.lovelace1815@school.example"], names: ["Ada King Lovelace"] };

  it.each([
    ["spaces", "            ", "blank"],
    ["tabs and wide spaces", "\t \u3000\u00a0 \t  \u2003   ", "blank"],
    ["one character", "aaaaaaaaaaaa", "repeated"],
    ["one symbol", "!!!!!!!!!!!!!!!!", "repeated"],
    ["one character, mixed case", "AaAaAaAaAaAa", "repeated"],
    ["two characters", "abababababab", "repeated"],
    ["four characters", "ab12ab12ab12", "repeated"],
    ["the alphabet", "abcdefghijkl", "sequence"],
    ["the alphabet backwards, upper case", "ZYXWVUTSRQPO", "sequence"],
    ["the alphabet, wrapping", "uvwxyzabcdefg", "sequence"],
    ["digits", "123456789012", "sequence"],
    ["digits backwards", "098765432109", "sequence"],
    ["a digit run repeated", "123456123456", "sequence"],
    ["the qwerty letter rows", "qwertyuiopasdf", "sequence"],
    ["the qwerty row with its brackets", "qwertyuiop[]\\as", "sequence"],
    ["the home row with punctuation", "asdfghjkl;'zx", "sequence"],
    ["the bottom row backwards", "/.,mnbvcxz';lkj", "sequence"],
    ["qwertz", "qwertzuiopas", "sequence"],
    ["azerty", "azertyuiopqsd", "sequence"],
    ["keyboard columns", "1qaz2wsx3edc", "sequence"],
    ["keyboard columns upwards", "zaq1xsw2cde3", "sequence"],
    ["a keyboard word repeated", "qwertyqwerty", "sequence"],
    ["the number pad", "789456123789", "sequence"],
    ["a surname", "lovelace rocks the world", "name"],
    ["a surname in capitals", "MyLOVELACEpassword", "name"],
    ["a middle name", "long live the king of hearts", "name"],
    ["a three-letter first name as a word", "ada 1815 forever and ever", "name"],
    ["a three-letter first name between digits", "2024ada2024ada", "name"],
  ] as const)("%s: refused (%s)", (_label, password, problem) => {
    expect(passwordProblem(password, ada)).toBe(PASSWORD_PROBLEMS[problem]);
  });

  it("a word of the address alone is refused as the address", () => {
    const grace = { emails: ["grace.hopper@navy.example"], names: ["G. H."] };
    expect(passwordProblem("hopper was here in 1952", grace)).toBe(PASSWORD_PROBLEMS.email);
    expect(passwordProblem("pass gh1906 word", { emails: ["gh1906@navy.example"] })).toBe(PASSWORD_PROBLEMS.email);
  });

  it.each([
    ["a passphrase", "correct horse battery staple", ada],
    ["a short name inside another word", "bottom of the garden", { names: ["Tom Smith"] }],
    ["two-letter names are ignored", "jo is my friend forever", { names: ["Jo Li"], emails: ["jo@school.example"] }],
    ["a sequence inside a longer password", "abcdef and some more words", ada],
    ["a repetition of a long unit", "horsebatteryhorsebattery", ada],
    ["non-Latin scripts", "Привет мир, как дела?", { names: ["Иван Петров"] }],
    ["the address's domain", "the school down the road", { emails: ["x@school.example"] }],
  ])("%s: accepted", (_label, password, context) => {
    expect(passwordProblem(password, context)).toBeNull();
  });

  it("compares in compatibility form: full-width letters are the same name", () => {
    expect(passwordProblem("ＬＯＶＥＬＡＣＥ forever", ada)).toBe(PASSWORD_PROBLEMS.name);
  });
});

describe("wherever a password is chosen", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  const fieldMessage = (error: { details: { fieldErrors?: Record<string, string[]> } }, field: string) =>
    error.details.fieldErrors?.[field]?.[0];

  it("user.register refuses the person's name, local part, sequences and common passwords; nothing is created or mailed", async () => {
    const before = await snapshot(app);
    // One address per attempt: each registration attempt counts against its address's limit.
    const emails = Array.from({ length: 6 }, () => freshEmail("mc"));
    for (const [i, [password, message]] of (
      [
        ["curie radium polonium", PASSWORD_PROBLEMS.name],
        [`${emails[1]!.split("@")[0]}!`, PASSWORD_PROBLEMS.email],
        ["abcdefghijklmnop", PASSWORD_PROBLEMS.sequence],
        ["zzzzzzzzzzzzzzzz", PASSWORD_PROBLEMS.repeated],
        ["                ", PASSWORD_PROBLEMS.blank],
        ["leavemealone", "This password is too common. Choose one that is harder to guess."],
      ] as const
    ).entries()) {
      const error = await expectAppError(
        app.caller().user.register({ email: emails[i]!, password, name: "Marie Curie" }),
        "BAD_REQUEST",
        "VALIDATION_FAILED",
      );
      expect(fieldMessage(error, "password"), password).toBe(message);
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it("seed 002's /user/register refuses the same way", async () => {
    const base = await app.httpUrl();
    const email = freshEmail("seed-policy");
    const res = await fetch(`${base}/user/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "rosalind franklin dna", name: "Rosalind Franklin", teacher_token: null }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "VALIDATION_FAILED" });
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });

  it("user.resetPassword judges against the account's name and address; the link stays unused", async () => {
    const user = await seedUser(app, { name: "Emmy Noether" });
    await app.caller().user.requestPasswordReset({ email: user.email });
    const token = tokenFromLink((await app.mailsTo(user.email)).at(-1)!.text, "/reset-password");
    const before = await snapshot(app);
    const error = await expectAppError(
      app.caller().user.resetPassword({ token, password: "noether rings are fun" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect(fieldMessage(error, "password")).toBe(PASSWORD_PROBLEMS.name);
    const sequence = await expectAppError(
      app.caller().user.resetPassword({ token, password: "mnbvcxzlkjhgfdsa" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect(fieldMessage(sequence, "password")).toBe(PASSWORD_PROBLEMS.sequence);
    expect(await snapshot(app)).toEqual(before);
    expect((await app.db.emailVerificationToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } })).usedAt).toBeNull();
    expect(await app.caller().user.resetPassword({ token, password: "a completely unrelated phrase" })).toEqual({ ok: true });
  });

  it("user.update's password change judges against the old and new name and address of the same request; nothing changes", async () => {
    const user = await seedUser(app, { name: "Alan Turing" });
    const token = await logInAs(app, user.email);
    const me = app.caller({ token }).user;
    const before = await snapshot(app);
    const cases = [
      [{ password: { current: PASSWORD, next: "turing machines forever" } }, PASSWORD_PROBLEMS.name],
      [{ name: "Joan Clarke", password: { current: PASSWORD, next: "clarke and the bombe" } }, PASSWORD_PROBLEMS.name],
      [{ email: "enigma.breaker@school.example", password: { current: PASSWORD, next: "the enigma was broken" } }, PASSWORD_PROBLEMS.email],
      [{ password: { current: PASSWORD, next: "0987654321098" } }, PASSWORD_PROBLEMS.sequence],
    ] as const;
    for (const [input, message] of cases) {
      const error = await expectAppError(me.update(input), "BAD_REQUEST", "VALIDATION_FAILED");
      expect(fieldMessage(error, "password.next"), JSON.stringify(input)).toBe(message);
    }
    expect(await snapshot(app)).toEqual(before);
    const login = await app.db.login.findUniqueOrThrow({ where: { userId: user.id } });
    expect(await verifyPassword(login.passwordHash, PASSWORD)).toBe(true);
  });

  it("the first admin (admin:create) is judged against its name and address", async () => {
    const email = freshEmail("hl");
    await expect(bootstrapAdmin(app.db, { email, name: "Hedy Lamarr", password: () => "lamarr frequency hopping" })).rejects.toMatchObject({
      appCode: "VALIDATION_FAILED",
      details: { fieldErrors: { password: [PASSWORD_PROBLEMS.name] } },
    });
    await expect(
      bootstrapAdmin(app.db, { email, name: "Hedy Lamarr", password: () => `${email.split("@")[0]} admin` }),
    ).rejects.toMatchObject({
      details: { fieldErrors: { password: [PASSWORD_PROBLEMS.email] } },
    });
    expect(await app.db.login.count({ where: { email } })).toBe(0);
  });
});
