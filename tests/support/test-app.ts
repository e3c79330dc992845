// A complete app for a test file: its own database, real services, a tRPC
// caller factory and a real HTTP server running the server's own edge and
// JSON APIs (src/server/http/edge.ts); pages are tested by tests/platform/boot.test.ts
// and the browser tests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Config, parseConfig } from "@/env";
import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { createEdge } from "@/server/http/edge";
import { jsonApis } from "@/server/json-apis";
import { createServices, type Services } from "@/server/services/service-container";
import { createTestDatabase, type TestDatabase } from "./databases";
import { ResendCapture } from "./resend-capture";

const APP_URL = "http://localhost:3000";

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** A mail as its recipient got it, and which kind of mail it is. */
export type DeliveredMail = { kind: string; to: string; subject: string; text: string; html: string };

export async function createTestApp(options: { env?: Record<string, string>; resend?: boolean; mailSendTimeoutMs?: number } = {}) {
  const database: TestDatabase = await createTestDatabase();
  const capture = options.resend ? new ResendCapture() : null;
  if (capture) await capture.start();
  const config: Config = parseConfig({
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    APP_URL,
    ...(capture ? { RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: capture.url } : {}),
    // Most tests act as admins without a second factor; the policy's own
    // tests (tests/admin/second-factor-policy.test.ts) turn it on.
    MFA_REQUIRED_FOR: "",
    ...options.env,
  });
  const services: Services = createServices(config, database.db, { mailSendTimeoutMs: options.mailSendTimeoutMs });
  let server: http.Server | null = null;

  const app = {
    services,
    db: database.db,
    config,
    capture,

    /** A tRPC caller for one request with these headers (ip sets the peer address). */
    caller(init: { headers?: Record<string, string>; ip?: string; token?: string; resHeaders?: Headers } = {}) {
      const headers = new Headers(init.headers);
      headers.set(PEER_ADDRESS_HEADER, init.ip ?? "203.0.113.1");
      if (init.token) headers.set("authorization", `Bearer ${init.token}`);
      return createCaller(createContextInner({ services, headers, resHeaders: init.resHeaders }));
    },

    /** Base URL of a real HTTP server serving the JSON APIs with these services (no pages: 404). */
    async httpUrl(): Promise<string> {
      if (!server) {
        const noPages = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(404).end();
        server = http.createServer(createEdge({ appUrl: config.APP_URL, apis: jsonApis(services), pages: noPages }));
        await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      }
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },

    /**
     * The mail delivered to an address, oldest first. Due mail is delivered
     * first: the outbox holds only what to send until the worker composes it.
     * Without Resend the mail is kept (as in development) and read from the
     * outbox; with Resend it is read back from the capture server.
     */
    async mailsTo(to: string): Promise<DeliveredMail[]> {
      await services.mail.kick();
      if (capture) {
        const rows = await database.db.outboxEmail.findMany({ where: { to }, select: { id: true, kind: true } });
        const kinds = new Map(rows.map((row) => [`outbox-${row.id}`, row.kind]));
        return capture.to(to).map((mail) => ({
          kind: kinds.get(mail.idempotencyKey ?? "") ?? "unknown",
          to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        }));
      }
      const kept = await database.db.outboxEmail.findMany({ where: { to, status: "kept" }, orderBy: { createdAt: "asc" } });
      return kept.map((row) => ({ kind: row.kind, to: row.to, subject: row.subject ?? "", text: row.text ?? "", html: row.html ?? "" }));
    },

    async close() {
      await services.mail.stop();
      await services.securityEvents.flush();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await capture?.stop();
      await database.drop();
    },
  };
  return app;
}

/** The token in a mail's verification link. */
export function tokenFromLink(text: string, path: string): string {
  const match = text.match(new RegExp(`${APP_URL}${path}\\?token=([A-Za-z0-9_%-]+)`));
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return decodeURIComponent(match[1]!);
}
