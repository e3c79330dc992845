// What the outbox keeps: until delivery, what it needs to send; after it, no
// body and no link; after the retention, nothing. A deleted user's mail goes
// with them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMail } from "@/server/mail/outbox";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { captureLogLines } from "../support/log-lines";
import { linkIn } from "../support/resend-capture";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ resend: true });
});
afterAll(() => app.close());

const DAY = 24 * 3600 * 1000;
const NEW_PASSWORD = "a fresh and different passphrase";

/** Every link token in the mail captured for these addresses. */
function tokensMailedTo(target: TestApp, ...addresses: string[]): string[] {
  const links = addresses
    .flatMap((a) => target.capture!.to(a))
    .flatMap((m) => m.text.match(/https?:\/\/\S+\?token=[A-Za-z0-9_%-]+/g) ?? []);
  return [...new Set(links.map((link) => new URL(link).searchParams.get("token")!))];
}

/** The outbox rows (every column) whose text contains the token anywhere. */
async function rowsHolding(target: TestApp, token: string) {
  const rows = await target.db.outboxEmail.findMany();
  return rows.filter((row) => Object.values(row).some((value) => typeof value === "string" && value.includes(token)));
}

describe("link tokens at rest", () => {
  it("once mail is delivered, no outbox row holds a link's token (every text column searched), and the links work", async () => {
    const registered = freshEmail("rest");
    await app.caller().user.register({ email: registered, password: PASSWORD, name: "Rest" });
    await app.caller().user.resendVerification({ email: registered });
    const user = await seedUser(app);
    await app.caller().user.requestPasswordReset({ email: user.email });
    const moved = freshEmail("moved");
    await app.caller({ token: await logInAs(app, user.email) }).user.update({ email: moved, currentPassword: PASSWORD });
    await app.services.mail.kick();

    const tokens = tokensMailedTo(app, registered, user.email, moved);
    expect(tokens).toHaveLength(4); // two confirmations, a reset link, an address change
    for (const token of tokens) expect(await rowsHolding(app, token)).toEqual([]);
    const delivered = await app.db.outboxEmail.findMany({ where: { to: { in: [registered, user.email, moved] } } });
    expect(delivered.length).toBeGreaterThanOrEqual(5);
    for (const row of delivered) {
      expect(row).toMatchObject({ status: "sent", params: null, text: null, html: null });
      expect(row.providerId).toBeTruthy();
    }
    // The links themselves work: the table kept their hashes only.
    const reset = linkIn(app.capture!.to(user.email).find((m) => /new password/i.test(m.subject))!, `${app.config.APP_URL}/reset-password`);
    const token = new URL(reset).searchParams.get("token")!;
    await app.caller().user.resetPassword({ token, password: NEW_PASSWORD });
  });

  it("a pending mail whose link has expired is dropped, not sent", async () => {
    const user = await seedUser(app);
    app.capture!.mode = "fail";
    try {
      await app.caller().user.requestPasswordReset({ email: user.email });
      await app.services.mail.kick();
      const row = await app.db.outboxEmail.findFirstOrThrow({ where: { to: user.email } });
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
    } finally {
      app.capture!.mode = "ok";
    }
    // Due again after the link's hour: it would arrive dead.
    await app.services.mail.deliverDue(new Date(Date.now() + 2 * 3600 * 1000));
    expect(app.capture!.to(user.email)).toEqual([]);
    expect(await app.db.outboxEmail.count({ where: { to: user.email } })).toBe(0);
  });

  it("in production without RESEND_API_KEY nothing of the mail is kept or logged but a warning", async () => {
    const production = await createTestApp({ env: { NODE_ENV: "production" } });
    const logged = captureLogLines();
    try {
      const user = await seedUser(production);
      await production.caller().user.requestPasswordReset({ email: user.email });
      await production.services.mail.kick();
      const row = await production.db.outboxEmail.findFirstOrThrow({ where: { to: user.email } });
      expect(row).toMatchObject({
        status: "unsent",
        kind: "reset-password",
        params: null,
        text: null,
        html: null,
        lastError: "RESEND_API_KEY is not set",
      });
      expect(await production.db.emailVerificationToken.count({ where: { userId: user.id } })).toBe(1);
      expect(logged().join("\n")).toContain("not sent: RESEND_API_KEY is not set");
      expect(logged().join("\n")).not.toContain("token=");
    } finally {
      logged.restore();
      await production.close();
    }
  });

  it("in development without RESEND_API_KEY the mail is kept for /dev/mailbox and its link printed", async () => {
    const development = await createTestApp({ env: { NODE_ENV: "development" } });
    const logged = captureLogLines();
    try {
      const user = await seedUser(development);
      await development.caller().user.requestPasswordReset({ email: user.email });
      const [mail] = await development.mailsTo(user.email);
      const link = linkIn(mail!, `${development.config.APP_URL}/reset-password?token=`);
      expect(logged().join("\n")).toContain(link);
    } finally {
      logged.restore();
      await development.close();
    }
  });
});

describe("retention", () => {
  it(`purges mail handled more than MAIL_RETENTION_DAYS ago; younger and pending mail stay`, async () => {
    const kept = await createTestApp({ env: { MAIL_RETENTION_DAYS: "7" } });
    try {
      const addresses = Array.from({ length: 5 }, () => freshEmail("retained"));
      for (const to of addresses) await enqueueMail(kept.db, { kind: "reset-password", to });
      // Handled rows of each kind of ending, and one that is still pending.
      const [oldSent, oldKept, oldUnsent, young, pending] = await Promise.all(
        addresses.map((to) => kept.db.outboxEmail.findFirstOrThrow({ where: { to } })),
      );
      const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
      await kept.db.outboxEmail.update({ where: { id: oldSent!.id }, data: { status: "sent", sentAt: daysAgo(8) } });
      await kept.db.outboxEmail.update({ where: { id: oldKept!.id }, data: { status: "kept", sentAt: daysAgo(7.5) } });
      await kept.db.outboxEmail.update({ where: { id: oldUnsent!.id }, data: { status: "unsent", sentAt: daysAgo(30) } });
      await kept.db.outboxEmail.update({ where: { id: young!.id }, data: { status: "sent", sentAt: daysAgo(6) } });
      await kept.db.outboxEmail.update({
        where: { id: pending!.id },
        data: { createdAt: daysAgo(60), nextAttemptAt: new Date(Date.now() + DAY) },
      });

      expect(await kept.services.mail.purgeHandled(new Date(), 2)).toBe(3);
      const left = await kept.db.outboxEmail.findMany({ where: { to: { in: addresses } }, select: { id: true } });
      expect(left.map((row) => row.id).sort()).toEqual([young!.id, pending!.id].sort());
    } finally {
      await kept.close();
    }
  });
});

describe("a deleted user's mail", () => {
  /** A user with mail of every state: delivered, composed and waiting, and a request by address not yet handled. */
  async function userWithMail() {
    const user = await seedUser(app);
    await enqueueMail(app.db, { kind: "password-changed", to: user.email, userId: user.id });
    await app.services.mail.kick(); // delivered: the row names the user
    await enqueueMail(app.db, { kind: "registration-attempt", to: user.email, userId: user.id });
    await enqueueMail(app.db, { kind: "reset-password", to: user.email }); // by address: names no user yet
    expect(await app.db.outboxEmail.count({ where: { to: user.email } })).toBe(3);
    return user;
  }

  async function everyoneElsesMail(except: string) {
    return app.db.outboxEmail.findMany({ where: { to: { not: except } }, orderBy: { id: "asc" } });
  }

  it("goes with an account its owner deletes, and nobody else's does", async () => {
    const bystander = await userWithMail();
    const user = await userWithMail();
    const before = await everyoneElsesMail(user.email);
    await app.caller({ token: await logInAs(app, user.email) }).user.delete({ password: PASSWORD });
    expect(await app.db.outboxEmail.count({ where: { to: user.email } })).toBe(0);
    expect(await app.db.outboxEmail.count({ where: { userId: user.id } })).toBe(0);
    expect(await everyoneElsesMail(user.email)).toEqual(before);
    expect(await app.db.outboxEmail.count({ where: { to: bystander.email } })).toBe(3);
  });

  it("goes with an account an admin deletes, and nobody else's does", async () => {
    const admin = await seedUser(app, { admin: true });
    const bystander = await userWithMail();
    const user = await userWithMail();
    const before = await everyoneElsesMail(user.email);
    await app.caller({ token: await logInAs(app, admin.email) }).admin.deleteUser({ userId: user.id });
    expect(await app.db.outboxEmail.count({ where: { to: user.email } })).toBe(0);
    expect(await everyoneElsesMail(user.email)).toEqual(before);
    expect(await app.db.outboxEmail.count({ where: { to: bystander.email } })).toBe(3);
  });
});
