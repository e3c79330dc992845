// A complete app for a test file: its own database, real services, a tRPC
// caller factory and a real HTTP server running the same handler as Next.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseConfig, type Config } from "@/env";
import { createServices, type Services } from "@/server/services/context";
import { createCaller } from "@/server/api/root";
import { createContextInner } from "@/server/api/trpc";
import { handleTrpcRequest } from "@/server/api/http-handler";
import { recordPeerAddress } from "@/server/http/peer-address";
import { serveRoutes } from "@/server/http/json-routes";
import { openApiDocument } from "@/server/http/openapi";
import { SEED_000_BASE, seed000NotFound, seed000Routes } from "@/server/http/seed-000-api";
import { SEED_002_BASE, seed002NotFound, seed002Routes } from "@/server/http/seed-002-api";
import { PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { createTestDatabase, type TestDatabase } from "./databases";
import { ResendCapture } from "./resend-capture";

export const APP_URL = "http://localhost:3000";

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export async function createTestApp(options: { env?: Record<string, string>; resend?: boolean; mailSendTimeoutMs?: number } = {}) {
  const database: TestDatabase = await createTestDatabase();
  const capture = options.resend ? new ResendCapture() : null;
  if (capture) await capture.start();
  const config: Config = parseConfig({
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    APP_URL,
    ...(capture ? { RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: capture.url } : {}),
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

    /** Base URL of a real HTTP server serving /api/trpc with these services. */
    async httpUrl(): Promise<string> {
      if (!server) {
        server = http.createServer((req, res) => void serve(req, res, services));
        await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      }
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },

    /** Mail written for an address, oldest first, straight from the outbox. */
    async mailsTo(to: string) {
      return database.db.outboxEmail.findMany({ where: { to }, orderBy: { createdAt: "asc" } });
    },

    async close() {
      services.mail.stop();
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

async function serve(req: http.IncomingMessage, res: http.ServerResponse, services: Services) {
  recordPeerAddress(req);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
    else if (value !== undefined) headers.set(key, value);
  }
  const body = chunks.length && req.method !== "GET" && req.method !== "HEAD" ? Buffer.concat(chunks) : undefined;
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body });
  // The same handlers the Next routes use, by path.
  const path = new URL(request.url).pathname;
  const response = path.startsWith("/api/trpc/")
    ? await handleTrpcRequest(request, services)
    : path === "/api/openapi.json"
      ? Response.json(openApiDocument())
      : path === SEED_000_BASE || path.startsWith(`${SEED_000_BASE}/`)
        ? await serveRoutes(SEED_000_BASE, seed000Routes, seed000NotFound, () => services)(request)
        : path.startsWith(`${SEED_002_BASE}/`)
          ? await serveRoutes(SEED_002_BASE, seed002Routes, seed002NotFound, () => services)(request)
          : Response.json({ error: "NOT_FOUND" }, { status: 404 });
  const outgoing: Record<string, string | string[]> = Object.fromEntries(response.headers.entries());
  const setCookies = response.headers.getSetCookie();
  if (setCookies.length) outgoing["set-cookie"] = setCookies;
  res.writeHead(response.status, outgoing);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The value of a cookie set in these response headers. */
export function cookieFrom(headers: Headers, name: string): { value: string; attributes: string } | null {
  for (const line of headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair!.indexOf("=");
    if (pair!.slice(0, eq).trim() === name) return { value: decodeURIComponent(pair!.slice(eq + 1)), attributes: attrs.join(";") };
  }
  return null;
}

/** The token in a mail's verification link. */
export function tokenFromLink(text: string, path: string): string {
  const match = text.match(new RegExp(`${APP_URL}${path}\\?token=([A-Za-z0-9_%-]+)`));
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return decodeURIComponent(match[1]!);
}
