// The JSON APIs (tRPC, the seeds' APIs, the OpenAPI document) served straight
// from Node's http server, without going through Next.js's router: the hot
// path of every API call is then our code and one query. The server entry and
// the tests both use this, so what is tested is what runs.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Services } from "../services/context";
import { handleTrpcRequest } from "../api/http-handler";
import { serveRoutes } from "./json-routes";
import { openApiDocument } from "./openapi";
import { recordPeerAddress } from "./peer-address";
import { SEED_000_BASE, seed000NotFound, seed000Routes } from "./seed-000-api";
import { SEED_002_BASE, seed002NotFound, seed002Routes } from "./seed-002-api";

const MAX_BODY_BYTES = 1024 * 1024;

/** Whether a path belongs to the JSON APIs (everything else is Next.js's). */
export function isApiPath(pathname: string): boolean {
  return (
    pathname.startsWith("/api/trpc/") ||
    pathname === "/api/openapi.json" ||
    pathname === SEED_000_BASE ||
    pathname.startsWith(`${SEED_000_BASE}/`) ||
    pathname.startsWith(`${SEED_002_BASE}/`)
  );
}

export function createApiHandler(getServices: () => Services) {
  const seed000 = serveRoutes(SEED_000_BASE, seed000Routes, seed000NotFound, getServices);
  const seed002 = serveRoutes(SEED_002_BASE, seed002Routes, seed002NotFound, getServices);
  return async function handle(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/api/trpc/")) return handleTrpcRequest(request, getServices());
    if (pathname === "/api/openapi.json") return Response.json(openApiDocument(getServices().config.APP_URL));
    if (pathname.startsWith(`${SEED_002_BASE}/`)) return seed002(request);
    return seed000(request);
  };
}

/**
 * Serves one Node request with a fetch-style handler. The APIs speak JSON
 * only, so bodies pass as text (no byte copies or streams on the hot path).
 */
export async function serveNode(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: Request) => Promise<Response>,
  extraHeaders: [string, string][] = [],
): Promise<void> {
  recordPeerAddress(req);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  let body: string | undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    const bytes = await readBody(req);
    if (!bytes) {
      res.writeHead(413, { "content-type": "application/json" }).end(JSON.stringify({ error: "PAYLOAD_TOO_LARGE" }));
      return;
    }
    body = bytes.toString();
  }
  const response = await handle(new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, { method: req.method, headers, body }));
  const outgoing: Record<string, string | string[]> = Object.fromEntries(response.headers.entries());
  const cookies = response.headers.getSetCookie();
  if (cookies.length) outgoing["set-cookie"] = cookies;
  for (const [name, value] of extraHeaders) outgoing[name] = value;
  res.writeHead(response.status, outgoing);
  res.end(await response.text());
}

/** The request body, or null past MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        resolve(null);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
