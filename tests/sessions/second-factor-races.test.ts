// Changes to one user's second factors racing each other, a take-back or an
// admin's reset, or the end of the session making them. On PostgreSQL another
// connection holds the user's row lock, as a change under way would, while the
// app's call waits behind it: the interleaving is made, not hoped for. SQLite
// runs one transaction at a time (src/server/db/second-factor-lock.ts), so
// those races cannot happen there; the session's end is tested on both.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newSecretToken } from "@/server/auth/secret-token";
import type { RequestMeta } from "@/server/request-meta";
import { addPasskey } from "@/server/services/passkeys";
import { validateSession } from "@/server/services/sessions";
import { confirmTotp } from "@/server/services/totp-enrolment";
import { addPasskeyInput } from "@/shared/schemas/second-factor";
import { cookieValue, logInAs, PASSWORD, seedUser, signedIn } from "../support/accounts";
import { testDbKind } from "../support/databases";
import { expectAppError } from "../support/expect-app-error";
import {
  Authenticator,
  insertPasskey,
  resetClock,
  secondFactorState,
  startLogIn,
  twoFactorSession,
  userWithTotp,
} from "../support/second-factors";
import { SoftAuthenticator } from "../support/soft-authenticator";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());
afterEach(() => resetClock());

const META: RequestMeta = { ip: "203.0.113.1", userAgent: null, deviceCookie: null };

/** Another user with an app and a passkey: what no race of someone else's may touch. */
async function bystander() {
  const { user, token } = await userWithTotp(app);
  await insertPasskey(app, user.id, "Bystander's key");
  const snapshot = async () => ({
    factors: await secondFactorState(app, user.id),
    sessions: await app.db.session.findMany({ where: { userId: user.id }, orderBy: { id: "asc" }, select: { id: true, aal: true } }),
  });
  const before = await snapshot();
  expect(before.sessions.map((s) => s.id)).toHaveLength(1);
  return { token, unchanged: async () => expect(await snapshot()).toEqual(before) };
}

/** A signed-in user's session row, by its token. */
async function sessionRow(token: string) {
  return app.db.session.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { id: true } });
}

describe("a factor added from a session that ended before its transaction", () => {
  it("addPasskey stores nothing and answers SESSION_INVALID", async () => {
    const others = await bystander();
    const { user, token } = await signedIn(app);
    const { challengeId, options } = await app.caller({ token }).user.passkeyRegistrationOptions({ password: PASSWORD });
    const session = await validateSession(app.services, token);
    await app.db.session.delete({ where: { id: session.id } }); // logged out on another device meanwhile
    // As the router hands it over, parsed.
    const input = addPasskeyInput.parse({
      challengeId,
      name: "Late",
      passkey: new SoftAuthenticator(app.config.APP_URL).register(options),
    });
    await expectAppError(addPasskey(app.services, session, input, META), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, passkeys: [] });
    expect(await app.db.outboxEmail.count({ where: { userId: user.id, kind: { contains: "second-factor" } } })).toBe(0);
    await others.unchanged();
  });

  it("confirmTotp confirms nothing, makes no recovery codes and answers SESSION_INVALID", async () => {
    const others = await bystander();
    const { user, token } = await signedIn(app);
    const started = await app.caller({ token }).user.startTotp({ password: PASSWORD });
    const session = await validateSession(app.services, token);
    await app.db.session.delete({ where: { id: session.id } });
    const code = new Authenticator(started.secret).next();
    await expectAppError(confirmTotp(app.services, session, code, META), "UNAUTHORIZED", "SESSION_INVALID");
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, totp: { confirmedAt: null }, recoveryCodes: [] });
    await others.unchanged();
  });
});

// PostgreSQL: a transaction of another connection --------------------------------

/** Another connection's transaction holding a user's row lock, as a change to their factors does. */
async function holdUser(userId: string) {
  const client = new pg.Client({ connectionString: app.config.DATABASE_URL });
  await client.connect();
  await client.query("BEGIN");
  await client.query(`SELECT 1 FROM "User" WHERE "id" = $1 FOR NO KEY UPDATE`, [userId]);
  const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  const pid = rows[0]!.pid;
  return {
    /** Ends a session, as a take-back or a log-out elsewhere would. */
    endSession: (sessionId: string) => client.query(`DELETE FROM "Session" WHERE "id" = $1`, [sessionId]),
    /** A passkey stored (with the mark set) as another session's addPasskey would. */
    async addPasskey(name: string) {
      const id = randomUUID();
      await client.query(`INSERT INTO "Passkey" ("id", "userId", "credentialId", "publicKey", "name") VALUES ($1, $2, $3, 'key', $4)`, [
        id,
        userId,
        `credential-${id}`,
        name,
      ]);
      await client.query(`UPDATE "User" SET "secondFactor" = true WHERE "id" = $1`, [userId]);
      return id;
    },
    /** The app and its recovery codes removed (the mark with them), as a take-back or an admin's reset does. */
    async removeApp() {
      await client.query(`DELETE FROM "TotpFactor" WHERE "userId" = $1`, [userId]);
      await client.query(`DELETE FROM "RecoveryCode" WHERE "userId" = $1`, [userId]);
      await client.query(`UPDATE "User" SET "secondFactor" = false WHERE "id" = $1`, [userId]);
    },
    /**
     * Once `call` waits for this transaction, runs `meanwhile` in it and
     * commits; returns how the call ended. A call that ends without waiting
     * fails the test: the interleaving was not made. pg_locks is read live,
     * also inside this transaction.
     */
    async commitWhenBlocking<T>(call: Promise<T>, meanwhile?: () => Promise<unknown>): Promise<PromiseSettledResult<T>> {
      const ended = Promise.allSettled([call]).then(([result]) => result!);
      let done = false;
      void ended.then(() => {
        done = true;
      });
      for (let polls = 0; ; polls++) {
        const blocked = await client.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND $1 = ANY(pg_blocking_pids(pid))`, [pid]);
        if (blocked.rowCount) break;
        if (done) throw new Error(`the call ended without waiting for the lock: ${JSON.stringify(await ended)}`);
        if (polls > 1000) throw new Error("the call neither waited for the lock nor ended");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await meanwhile?.();
      await client.query("COMMIT");
      return ended;
    },
    end: () => client.end(),
  };
}

type Holder = Awaited<ReturnType<typeof holdUser>>;

/** Runs a test body with a holder, ending its connection whatever happens. */
async function withHolder(userId: string, body: (holder: Holder) => Promise<void>): Promise<void> {
  const holder = await holdUser(userId);
  try {
    await body(holder);
  } finally {
    await holder.end();
  }
}

describe.runIf(testDbKind() === "postgres")("PostgreSQL: changes of one user's factors wait for each other", () => {
  it("removing the last passkey while another is added: the mark stays, and the password alone does not log in", async () => {
    const others = await bystander();
    const { user, token } = await signedIn(app);
    const first = await insertPasskey(app, user.id, "Old");
    await withHolder(user.id, async (holder) => {
      const added = await holder.addPasskey("New");
      const removal = await holder.commitWhenBlocking(app.caller({ token }).user.removePasskey({ id: first.id }));
      expect(removal.status).toBe("fulfilled");
      expect(await secondFactorState(app, user.id)).toMatchObject({ mark: true, passkeys: [{ id: added, name: "New" }] });
    });
    await startLogIn(app, user.email);
    await others.unchanged();
  });

  it("turning the app off while a passkey is added: the mark and the recovery codes stay", async () => {
    const others = await bystander();
    const { user, token, authenticator } = await userWithTotp(app);
    await withHolder(user.id, async (holder) => {
      await holder.addPasskey("New");
      const code = authenticator.next();
      const disabling = await holder.commitWhenBlocking(app.caller({ token }).user.disableTotp({ password: PASSWORD, code }));
      expect(disabling.status).toBe("fulfilled");
    });
    const after = await secondFactorState(app, user.id);
    expect(after).toMatchObject({ mark: true, totp: null, passkeys: [{ name: "New" }] });
    expect(after.recoveryCodes).toHaveLength(10);
    await startLogIn(app, user.email);
    await others.unchanged();
  });

  /** A take-back link of the user's, stored as the address change would mail it. */
  async function takeBackLink(userId: string, email: string): Promise<string> {
    const token = newSecretToken();
    await app.db.emailVerificationToken.create({
      data: { userId, email, purpose: "revert-email", tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3_600_000) },
    });
    return token;
  }

  const removals = {
    "a take-back": async (user: { id: string; email: string }) => {
      const token = await takeBackLink(user.id, user.email);
      return () => app.caller().user.resetPassword({ token, password: "an entirely fresh passphrase" });
    },
    "an admin's reset": async (user: { id: string }) => {
      const admin = await seedUser(app, { admin: true });
      const adminToken = await logInAs(app, admin.email);
      await twoFactorSession(app, adminToken);
      return () => app.caller({ token: adminToken }).admin.resetSecondFactors({ userId: user.id });
    },
  };

  for (const [name, prepare] of Object.entries(removals)) {
    it(`${name} racing a passkey being added removes that passkey too`, async () => {
      const others = await bystander();
      const { user, token } = await userWithTotp(app);
      const remove = await prepare(user);
      await withHolder(user.id, async (holder) => {
        await holder.addPasskey("Added meanwhile");
        expect((await holder.commitWhenBlocking(remove())).status).toBe("fulfilled");
      });
      expect(await secondFactorState(app, user.id)).toEqual({ mark: false, totp: null, recoveryCodes: [], passkeys: [] });
      if (name === "a take-back") await expectAppError(app.caller({ token }).session.validate(), "UNAUTHORIZED", "SESSION_INVALID");
      await others.unchanged();
    });
  }

  it("a passkey added from a session ended while it waited is not stored: SESSION_INVALID, and the cookie is cleared", async () => {
    const others = await bystander();
    const { user, token } = await signedIn(app);
    const { challengeId, options } = await app.caller({ token }).user.passkeyRegistrationOptions({ password: PASSWORD });
    const passkey = new SoftAuthenticator(app.config.APP_URL).register(options);
    const { id: sessionId } = await sessionRow(token);
    const resHeaders = new Headers();
    await withHolder(user.id, async (holder) => {
      const adding = app.caller({ token, resHeaders }).user.addPasskey({ challengeId, name: "Late", passkey });
      expect((await holder.commitWhenBlocking(adding, () => holder.endSession(sessionId))).status).toBe("rejected");
      await expectAppError(adding, "UNAUTHORIZED", "SESSION_INVALID");
    });
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, passkeys: [] });
    expect(cookieValue(resHeaders, "session")).toBe("");
    await others.unchanged();
  });

  it("an app confirmed from a session ended while it waited is not confirmed: SESSION_INVALID", async () => {
    const others = await bystander();
    const { user, token } = await signedIn(app);
    const started = await app.caller({ token }).user.startTotp({ password: PASSWORD });
    const code = new Authenticator(started.secret).next();
    const { id: sessionId } = await sessionRow(token);
    await withHolder(user.id, async (holder) => {
      const confirming = app.caller({ token }).user.confirmTotp({ code });
      expect((await holder.commitWhenBlocking(confirming, () => holder.endSession(sessionId))).status).toBe("rejected");
      await expectAppError(confirming, "UNAUTHORIZED", "SESSION_INVALID");
    });
    expect(await secondFactorState(app, user.id)).toMatchObject({ mark: false, totp: { confirmedAt: null }, recoveryCodes: [] });
    await others.unchanged();
  });

  it("new recovery codes while the app is removed (a take-back, an admin's reset) are not stored: TOTP_NOT_ENABLED", async () => {
    const others = await bystander();
    const { user, token, authenticator } = await userWithTotp(app);
    await withHolder(user.id, async (holder) => {
      const regenerating = app.caller({ token }).user.regenerateRecoveryCodes({ password: PASSWORD, code: authenticator.next() });
      expect((await holder.commitWhenBlocking(regenerating, () => holder.removeApp())).status).toBe("rejected");
      await expectAppError(regenerating, "CONFLICT", "TOTP_NOT_ENABLED");
    });
    expect(await secondFactorState(app, user.id)).toEqual({ mark: false, totp: null, recoveryCodes: [], passkeys: [] });
    await others.unchanged();
  });
});
