// Mail goes through the real Resend SDK to a local capture server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffMs } from "@/server/mail/outbox";
import { createServices } from "@/server/services/service-container";
import { freshEmail, PASSWORD } from "../support/accounts";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ resend: true, env: { EMAIL_FROM: "School Accounts <accounts@school.example>" } });
});
afterAll(() => app.close());

describe("mail delivery through Resend", () => {
  it("sends the verification mail with text and HTML bodies from EMAIL_FROM", async () => {
    const email = freshEmail("mail");
    await app.caller().user.register({ email, password: PASSWORD, name: "Urgent: account locked, go to https://evil.example/fix" });
    await app.services.mail.kick();
    const [mail] = app.capture!.to(email);
    expect(mail).toBeDefined();
    expect(mail!.from).toBe("School Accounts <accounts@school.example>");
    expect(mail!.subject).toBe("Confirm your email address");
    expect(mail!.html).toMatch(/<html/i);
    // The name was typed by whoever registered, for an address nobody has confirmed: the mail does not repeat it.
    expect(mail!.text).toContain("Hello,");
    expect(mail!.text).not.toContain("evil.example");
    expect(mail!.html).not.toContain("evil.example");
    const token = tokenFromLink(mail!.text, "/verify");
    expect(mail!.html).toContain(token);
    const row = await app.db.outboxEmail.findFirst({ where: { to: email } });
    expect(row).toMatchObject({ status: "sent", attempts: 0, providerId: mail!.id });
  });

  it("keeps mail while Resend fails, retries with backoff, then delivers it exactly once", async () => {
    const email = freshEmail("down");
    app.capture!.mode = "fail";
    const result = await app.caller().user.register({ email, password: PASSWORD, name: "Down" });
    expect(result).toEqual({ verified: false });
    await app.services.mail.kick();
    let row = await app.db.outboxEmail.findFirstOrThrow({ where: { to: email } });
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toContain("Capture server told to fail");
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: a round now sends nothing.
    app.capture!.mode = "ok";
    await app.services.mail.deliverDue();
    expect(app.capture!.to(email)).toHaveLength(0);
    // Once due, it is delivered; later rounds do not send it again.
    await app.services.mail.deliverDue(new Date(Date.now() + backoffMs(1) + 1000));
    await app.services.mail.deliverDue(new Date(Date.now() + 3600_000));
    expect(app.capture!.to(email)).toHaveLength(1);
    row = await app.db.outboxEmail.findFirstOrThrow({ where: { to: email } });
    expect(row.status).toBe("sent");
  });

  it("backs off exponentially up to 15 minutes", () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(15 * 60_000);
  });

  it("two delivery workers never send the same mail twice", async () => {
    const email = freshEmail("twice");
    app.capture!.mode = "fail";
    await app.caller().user.register({ email, password: PASSWORD, name: "Twice" });
    // Let the registration's own delivery round fail first: left running, it
    // would still hold the mail when the two workers look, and they would skip it.
    await app.services.mail.kick();
    expect(await app.db.outboxEmail.findFirstOrThrow({ where: { to: email } })).toMatchObject({ status: "pending", attempts: 1 });
    app.capture!.mode = "ok";
    const other = createServices(app.config, app.db).mail;
    const later = new Date(Date.now() + 60_000);
    await Promise.all([app.services.mail.deliverDue(later), other.deliverDue(later)]);
    expect(app.capture!.to(email)).toHaveLength(1);
  });
});
