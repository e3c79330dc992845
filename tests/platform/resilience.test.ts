// Robustness under failure: a failing mail provider, a database that drops
// its connections, and several app instances on one database. (Races of one
// request against itself are with the rule they test: registration, admin.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { createDb } from "@/server/db/client";
import { backoffMs } from "@/server/mail/outbox";
import { createServices } from "@/server/services/service-container";
import { RATE_LIMITS } from "@/shared/policy";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { pgAdmin, testDbKind } from "../support/databases";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ resend: true, mailSendTimeoutMs: 300 });
});
afterAll(() => app.close());

describe("the mail provider failing", () => {
  it("answering 500: registration succeeds, the mail is delivered once after recovery", async () => {
    const email = freshEmail("down500");
    app.capture!.mode = "fail";
    expect(await app.caller().user.register({ email, password: PASSWORD, name: "Down" })).toEqual({ verified: false });
    await app.services.mail.kick();
    expect(app.capture!.to(email)).toHaveLength(0);
    app.capture!.mode = "ok";
    for (let attempt = 1; attempt <= 3; attempt++) {
      await app.services.mail.deliverDue(new Date(Date.now() + backoffMs(attempt) + 1000));
    }
    expect(app.capture!.to(email)).toHaveLength(1);
    expect((await app.db.outboxEmail.findFirstOrThrow({ where: { to: email } })).status).toBe("sent");
  });

  it("timing out: registration succeeds, the send is abandoned and retried, delivered once", async () => {
    const email = freshEmail("hang");
    app.capture!.mode = "hang";
    expect(await app.caller().user.register({ email, password: PASSWORD, name: "Hang" })).toEqual({ verified: false });
    await app.services.mail.kick();
    const row = await app.db.outboxEmail.findFirstOrThrow({ where: { to: email } });
    expect(row.status).toBe("pending");
    expect(row.attempts).toBeGreaterThanOrEqual(1);
    expect(row.lastError).toBeTruthy();
    app.capture!.mode = "ok";
    // Another instance picks it up once due; a second round sends nothing more.
    const other = createServices(app.config, app.db, { mailSendTimeoutMs: 300 }).mail;
    await other.deliverDue(new Date(Date.now() + 60_000));
    await other.deliverDue(new Date(Date.now() + 3600_000));
    expect(app.capture!.to(email)).toHaveLength(1);
  });
});

describe("several app instances on one database", () => {
  it("a session made on one instance validates on another, and rate limits are shared", async () => {
    const other = createServices(app.config, createDb(app.config.DATABASE_URL));
    try {
      const callOther = (ip = "10.9.9.9", token?: string) => {
        const headers = new Headers({ [PEER_ADDRESS_HEADER]: ip });
        if (token) headers.set("authorization", `Bearer ${token}`);
        return createCaller(createContextInner({ services: other, headers }));
      };
      const user = await seedUser(app);
      const token = await logInAs(app, user.email);
      expect(await callOther(undefined, token).session.validate()).toMatchObject({ userId: user.id });
      // Failures counted on one instance limit the other (one client, alternating instances).
      for (let i = 0; i < RATE_LIMITS.loginFailuresPerAccountAndClient.points; i++) {
        const target = i % 2 ? app.caller({ ip: "10.3.0.3" }) : callOther("10.3.0.3");
        await expect(target.session.create({ email: user.email, password: "wrong password!" })).rejects.toMatchObject({
          appCode: "INVALID_CREDENTIALS",
        });
      }
      await expect(callOther("10.3.0.3").session.create({ email: user.email, password: PASSWORD })).rejects.toMatchObject({
        appCode: "RATE_LIMITED",
      });
      // Revoked on one instance: refused on the other at once.
      await app.caller({ token }).session.delete();
      await expect(callOther(undefined, token).session.validate()).rejects.toMatchObject({ appCode: "SESSION_INVALID" });
    } finally {
      await other.db.$disconnect();
    }
  });
});

describe.runIf(testDbKind() === "postgres")("PostgreSQL dropping its connections", () => {
  it("requests fail with SERVICE_UNAVAILABLE while it is away and succeed again afterwards, without a restart", async () => {
    const database = new URL(app.config.DATABASE_URL).pathname.slice(1);
    const user = await seedUser(app);
    const token = await logInAs(app, user.email);
    expect(await app.caller({ token }).session.validate()).toMatchObject({ userId: user.id });
    await pgAdmin(async (c) => {
      await c.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
    });
    try {
      const failure = await app
        .caller({ token })
        .session.validate()
        .then(
          () => null,
          (e: { appCode?: string; message: string }) => e,
        );
      expect(failure?.appCode).toBe("SERVICE_UNAVAILABLE");
      expect(failure?.message).toMatch(/briefly unavailable/);
      // Log-in runs its statements on the pool directly: the same answer.
      await expectAppError(
        app.caller().session.create({ email: user.email, password: PASSWORD }),
        "SERVICE_UNAVAILABLE",
        "SERVICE_UNAVAILABLE",
      );
    } finally {
      await pgAdmin((c) => c.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`));
    }
    let recovered: unknown = null;
    for (let attempt = 0; attempt < 5 && !recovered; attempt++) {
      recovered = await app
        .caller({ token })
        .session.validate()
        .catch(() => null);
    }
    expect(recovered).toMatchObject({ userId: user.id });
    const again = await logInAs(app, user.email);
    expect(await app.caller({ token: again }).session.validate()).toMatchObject({ userId: user.id });
  });
});
