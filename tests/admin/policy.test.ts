// One home per limit (src/shared/policy.ts): the configuration takes its
// defaults and bounds from it, and the pages and mails that state a limit
// receive its value, so what they say is what the server enforces.
import { createElement } from "react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountSummary } from "@/app/(app)/account/account-summary";
import AccountPage from "@/app/(app)/account/page";
import { ResetPasswordForm } from "@/app/(auth)/reset-password/reset-password-form";
import { BrokenAddressLink } from "@/app/(auth)/verify/broken-address-link";
import { parseConfig } from "@/env";
import { setBootedApp } from "@/server/booted-app";
import { confirmNewEmailMail, emailChangedMail, resetPasswordMail, verifyEmailMail } from "@/server/mail/compose";
import { createTeacherToken } from "@/server/services/teacher-tokens";
import { durationInWords } from "@/shared/duration-in-words";
import { DAY, HOUR, LINK_LIFETIMES, RETENTION_DAYS, SESSION_LIFETIME, TEACHER_TOKEN_LIMITS } from "@/shared/policy";
import { teacherTokenOptions } from "@/shared/schemas/teacher-token";
import type { Me } from "@/shared/schemas/user";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { pageUser, textOf } from "../support/render";
import { createTestApp, type TestApp } from "../support/test-app";

const me = (flags: Partial<Pick<Me, "teacher" | "admin" | "privilegedStudent">> = {}): Me =>
  pageUser({ name: "Ada", email: "ada@school.example", ...flags });

describe("durations in words", () => {
  it.each([
    [1, "1 second"],
    [15 * 60, "15 minutes"],
    [HOUR, "1 hour"],
    [3 * HOUR, "3 hours"],
    [HOUR + 30 * 60, "1 hour and 30 minutes"],
    [HOUR + 60 + 40, "1 hour, 1 minute and 40 seconds"],
    [DAY, "24 hours"],
    [7 * DAY, "7 days"],
    [31 * DAY, "31 days"],
  ])("%i seconds are %s (never rounded)", (seconds, words) => {
    expect(durationInWords(seconds)).toBe(words);
  });
});

describe("the session lifetime follows SESSION_TTL_SECONDS", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { SESSION_TTL_SECONDS: "3600" } });
    // The pages read the process's services, as under the server entry.
    setBootedApp({ config: app.config, services: app.services });
  });
  afterAll(async () => {
    setBootedApp(undefined);
    await app.close();
  });

  it("the account page of a server with SESSION_TTL_SECONDS=3600 says 1 hour, and a session lasts 1 hour", async () => {
    const page = AccountPage();
    expect(page.props.sessionTtlSeconds).toBe(3600);
    const text = textOf(
      createElement(AccountSummary, {
        user: me(),
        sessionTtlSeconds: page.props.sessionTtlSeconds,
        loggingOut: false,
        onLogOut: () => undefined,
      }),
    );
    expect(text).toContain("You stay logged in for up to 1 hour.");
    expect(text).not.toContain("3 hours");

    const user = await seedUser(app);
    const token = await logInAs(app, user.email, PASSWORD);
    const { expiresAt } = await app.caller({ token }).session.validate();
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(3500 * 1000);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(3600 * 1000);
  });

  it("unset, the configuration and the page say the policy's default", () => {
    expect(parseConfig({}).SESSION_TTL_SECONDS).toBe(SESSION_LIFETIME.defaultSeconds);
    const text = textOf(
      createElement(AccountSummary, {
        user: me(),
        sessionTtlSeconds: SESSION_LIFETIME.defaultSeconds,
        loggingOut: false,
        onLogOut: () => undefined,
      }),
    );
    expect(text).toContain(`You stay logged in for up to ${durationInWords(SESSION_LIFETIME.defaultSeconds)}.`);
  });
});

describe("the configuration's bounds and defaults are the policy's", () => {
  it("SESSION_TTL_SECONDS up to the policy's maximum, not a second more", () => {
    expect(parseConfig({ SESSION_TTL_SECONDS: String(SESSION_LIFETIME.maxSeconds) }).SESSION_TTL_SECONDS).toBe(SESSION_LIFETIME.maxSeconds);
    expect(() => parseConfig({ SESSION_TTL_SECONDS: String(SESSION_LIFETIME.maxSeconds + 1) })).toThrow(/SESSION_TTL_SECONDS:/);
  });

  it("retention days default to the policy's and keep within its bounds", () => {
    const config = parseConfig({});
    expect(config.MAIL_RETENTION_DAYS).toBe(RETENTION_DAYS.mail.default);
    expect(config.SECURITY_EVENT_RETENTION_DAYS).toBe(RETENTION_DAYS.securityEvents.default);
    expect(() => parseConfig({ MAIL_RETENTION_DAYS: String(RETENTION_DAYS.mail.max + 1) })).toThrow(/MAIL_RETENTION_DAYS:/);
    expect(() => parseConfig({ SECURITY_EVENT_RETENTION_DAYS: String(RETENTION_DAYS.securityEvents.min - 1) })).toThrow(
      /SECURITY_EVENT_RETENTION_DAYS:/,
    );
  });
});

describe("mails state the lifetime of their link", () => {
  it.each([
    ["verify-email", (lifetime: number) => verifyEmailMail("https://app.example/verify?token=t", lifetime)],
    ["confirm-new-email", (lifetime: number) => confirmNewEmailMail("https://app.example/verify?token=t", lifetime)],
    ["reset-password", (lifetime: number) => resetPasswordMail("Ada", "https://app.example/reset-password?token=t", lifetime)],
    [
      "email-changed",
      (lifetime: number) => emailChangedMail("Ada", "new@school.example", "https://app.example/reset-password?token=t", lifetime),
    ],
  ])("%s says the lifetime it is given, in its text and its HTML", async (_kind, compose) => {
    for (const [lifetime, words] of [
      [2 * HOUR, "2 hours"],
      [3 * DAY, "3 days"],
    ] as const) {
      const mail = await compose(lifetime);
      expect(mail.text).toContain(`for ${words}`);
      expect(mail.html).toContain(`for ${words}`);
    }
  });

  describe("as delivered", () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await createTestApp();
    });
    afterAll(() => app.close());

    it("the confirmation mail says LINK_LIFETIMES.verify, and its link lasts exactly that", async () => {
      const email = freshEmail("lifetime");
      await app.caller().user.register({ email, password: PASSWORD, name: "Lena Lifetime" });
      const [mail] = await app.mailsTo(email);
      expect(mail?.text).toContain(`The link works once, for ${durationInWords(LINK_LIFETIMES.verify)}.`);
      const link = await app.db.emailVerificationToken.findFirstOrThrow({ where: { email, purpose: "verify" } });
      expect(link.expiresAt.getTime() - link.createdAt.getTime()).toBeCloseTo(LINK_LIFETIMES.verify * 1000, -4);
    });

    it("the reset mail says LINK_LIFETIMES[reset-password], and its link lasts exactly that", async () => {
      const user = await seedUser(app);
      await app.caller().user.requestPasswordReset({ email: user.email });
      const [mail] = await app.mailsTo(user.email);
      expect(mail?.kind).toBe("reset-password");
      expect(mail?.text).toContain(`The link works for ${durationInWords(LINK_LIFETIMES["reset-password"])};`);
      const link = await app.db.emailVerificationToken.findFirstOrThrow({ where: { userId: user.id, purpose: "reset-password" } });
      expect(link.expiresAt.getTime() - link.createdAt.getTime()).toBeCloseTo(LINK_LIFETIMES["reset-password"] * 1000, -4);
    });
  });
});

describe("pages state the link lifetimes they receive", () => {
  const lifetimes = { verify: 2 * HOUR, "change-email": 2 * HOUR, "reset-password": 30 * 60, "revert-email": 3 * DAY };

  it("an expired address link's page", () => {
    expect(textOf(createElement(BrokenAddressLink, { problem: "expired", linkLifetimes: lifetimes }))).toContain(
      "Confirmation links work for 2 hours.",
    );
    const differing = { ...lifetimes, "change-email": 6 * HOUR };
    expect(textOf(createElement(BrokenAddressLink, { problem: "expired", linkLifetimes: differing }))).toContain(
      "Links to confirm an address work for 2 hours, links to confirm a new address for 6 hours.",
    );
  });

  it("an expired reset link's page", () => {
    const text = textOf(createElement(ResetPasswordForm, { token: "t", link: { state: "expired" }, linkLifetimes: lifetimes }));
    expect(text).toContain("Password reset links work for 30 minutes, links to take an account back for 3 days.");
  });
});

describe("teacher tokens", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it("a token made without options gets the policy's defaults", async () => {
    const before = Date.now();
    const created = await createTeacherToken(app.db, {});
    const row = await app.db.teacherToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.maxUses).toBe(TEACHER_TOKEN_LIMITS.maxUses.default);
    expect(created.maxUses).toBe(TEACHER_TOKEN_LIMITS.maxUses.default);
    const days = (row.expiresAt.getTime() - before) / (DAY * 1000);
    expect(days).toBeCloseTo(TEACHER_TOKEN_LIMITS.expiresInDays.default, 2);
  });

  it("the options keep within the policy's bounds", () => {
    const { maxUses, expiresInDays, noteLength } = TEACHER_TOKEN_LIMITS;
    expect(
      teacherTokenOptions.safeParse({ maxUses: maxUses.max, expiresInDays: expiresInDays.max, note: "n".repeat(noteLength) }).success,
    ).toBe(true);
    expect(teacherTokenOptions.safeParse({ maxUses: maxUses.max + 1 }).success).toBe(false);
    expect(teacherTokenOptions.safeParse({ maxUses: maxUses.min - 1 }).success).toBe(false);
    expect(teacherTokenOptions.safeParse({ expiresInDays: expiresInDays.max + 1 }).success).toBe(false);
    expect(teacherTokenOptions.safeParse({ note: "n".repeat(noteLength + 1) }).success).toBe(false);
  });
});
