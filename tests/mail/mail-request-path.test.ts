// Requests that mail an address (a reset link, a fresh confirmation) do the
// same work for every address: they record the request and answer; the
// outbox worker finds out later whether the address has an account. Compared
// by the statements each request runs, never by wall time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { RateLimits } from "@/server/auth/rate-limits";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { type Db, onDriverOf } from "@/server/db/client";
import type { Services } from "@/server/services/service-container";
import { RATE_LIMITS } from "@/shared/policy";
import { freshEmail, seedUser } from "../support/accounts";
import { expectAppError } from "../support/expect-app-error";
import { createTestApp, type TestApp, tokenFromLink } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

type Procedure = "requestPasswordReset" | "resendVerification";

/**
 * The database work one request does, as "Model.operation" lines (sorted:
 * the two rate-limit counters run side by side), with the outbox rows it
 * writes in full (the address replaced by a placeholder). The worker runs on
 * the app's own client, so its work is not counted.
 */
async function requestPathWork(procedure: Procedure, email: string, ip: string) {
  const work: string[] = [];
  // Rate-limit counters run on the driver beneath Prisma (the same two per
  // request, whatever the address), so they are not in this trace.
  const traced = onDriverOf(
    app.db.$extends({
      query: {
        $allOperations({ model, operation, args, query }) {
          if (model === "OutboxEmail" && operation === "create") {
            const data = { ...(args as { data: Record<string, unknown> }).data };
            expect(data.to).toBe(email);
            data.to = "<address>";
            if (data.expiresAt instanceof Date) data.expiresAt = "<time>";
            work.push(`OutboxEmail.create ${JSON.stringify(data)}`);
          } else {
            work.push(`${model ?? "(raw)"}.${operation}`);
          }
          return query(args);
        },
      },
    }),
    app.db,
  ) as unknown as Db;
  const services: Services = { ...app.services, db: traced, rateLimits: new RateLimits(traced) };
  const headers = new Headers({ [PEER_ADDRESS_HEADER]: ip });
  const caller = createCaller(createContextInner({ services, headers }));
  expect(await caller.user[procedure]({ email })).toEqual({ ok: true });
  return work.sort();
}

describe("the same request-path work for every address", () => {
  it("user.requestPasswordReset: a known and an unknown address cost the same statements and queue the same row", async () => {
    const known = await seedUser(app);
    const unknown = freshEmail("nobody");
    const forKnown = await requestPathWork("requestPasswordReset", known.email, "192.0.2.31");
    const forUnknown = await requestPathWork("requestPasswordReset", unknown, "192.0.2.32");
    expect(forUnknown).toEqual(forKnown);
    // One row queued, holding only what to send: no body, no link, no user.
    const queued = forKnown.filter((line) => line.startsWith("OutboxEmail.create"));
    expect(queued).toEqual([
      `OutboxEmail.create ${JSON.stringify({ kind: "reset-password", to: "<address>", userId: null, params: null, expiresAt: "<time>" })}`,
    ]);
    expect(forKnown.some((line) => /^(Login|User|EmailVerificationToken)\./.test(line))).toBe(false);
    // The worker then mails the account, and nobody at the unknown address.
    expect((await app.mailsTo(known.email)).map((m) => m.kind)).toEqual(["reset-password"]);
    expect(await app.mailsTo(unknown)).toEqual([]);
    expect(await app.db.outboxEmail.count({ where: { to: unknown } })).toBe(0);
  });

  it("user.resendVerification: unknown, unverified and verified addresses cost the same statements", async () => {
    const unverified = await seedUser(app, { verified: false });
    const verified = await seedUser(app);
    const unknown = freshEmail("nobody");
    const forUnverified = await requestPathWork("resendVerification", unverified.email, "192.0.2.41");
    const forVerified = await requestPathWork("resendVerification", verified.email, "192.0.2.42");
    const forUnknown = await requestPathWork("resendVerification", unknown, "192.0.2.43");
    expect(forVerified).toEqual(forUnverified);
    expect(forUnknown).toEqual(forUnverified);
    expect(forUnverified.filter((line) => line.startsWith("OutboxEmail.create"))).toHaveLength(1);
    // Only the unverified account gets a link.
    expect((await app.mailsTo(unverified.email)).map((m) => m.kind)).toEqual(["verify-email"]);
    expect(await app.mailsTo(verified.email)).toEqual([]);
    expect(await app.mailsTo(unknown)).toEqual([]);
  });
});

describe("Server-Timing", () => {
  async function serverTiming(target: TestApp) {
    const res = await fetch(`${await target.httpUrl()}/api/trpc/user.requestPasswordReset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: freshEmail("timing") }),
    });
    expect(res.status).toBe(200);
    return res.headers.get("server-timing");
  }

  it("is not sent under the production configuration (it would time each request's branch for anyone)", async () => {
    const production = await createTestApp({ env: { NODE_ENV: "production" } });
    try {
      expect(await serverTiming(production)).toBeNull();
    } finally {
      await production.close();
    }
    // Outside production it is, for developers.
    expect(await serverTiming(app)).toMatch(/^app;dur=/);
  });
});

describe("requests past the address's limit", () => {
  it("user.resendVerification answers as usual and queues nothing; the newest link still confirms", async () => {
    const owner = await seedUser(app, { verified: false });
    for (let i = 0; i < RATE_LIMITS.resendVerificationPerEmail.points; i++) {
      await app.caller({ ip: `198.18.6.${i + 1}` }).user.resendVerification({ email: owner.email });
    }
    const mails = await app.mailsTo(owner.email);
    expect(mails).toHaveLength(RATE_LIMITS.resendVerificationPerEmail.points);
    const rows = await app.db.outboxEmail.count();
    expect(await app.caller({ ip: "198.18.7.1" }).user.resendVerification({ email: owner.email })).toEqual({ ok: true });
    expect(await app.db.outboxEmail.count()).toBe(rows);
    expect(await app.mailsTo(owner.email)).toHaveLength(mails.length);
    await app.caller().user.verify({ token: tokenFromLink(mails.at(-1)!.text, "/verify") });
  });

  it("the client's own limit still answers RATE_LIMITED (it says nothing about any address)", async () => {
    for (let i = 0; i < RATE_LIMITS.passwordResetPerIp.points; i++) {
      await app.caller({ ip: "198.18.8.1" }).user.requestPasswordReset({ email: freshEmail("many") });
    }
    await expectAppError(
      app.caller({ ip: "198.18.8.1" }).user.requestPasswordReset({ email: freshEmail("many") }),
      "TOO_MANY_REQUESTS",
      "RATE_LIMITED",
    );
  });
});
