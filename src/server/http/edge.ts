// The server's one HTTP edge: every request, for a page or an API, passes
// here (the server entry and the tests' HTTP servers alike). It records the
// socket's address (overwriting whatever a client sent under that header),
// sets the security headers, refuses a malformed Host, and hands the JSON
// APIs' paths to their API and everything else to Next.js: pages take GET and
// HEAD (405 otherwise) on a path that percent-decodes (400 otherwise).
//
// For the JSON APIs it also answers what no route gets to answer, each in
// that API's own envelope and with the same headers: 400 for a malformed Host
// or request target, 404 for a path without an endpoint, 405 (with Allow) for
// a method the path does not take, 413 for a body over MAX_BODY_BYTES bytes,
// and 500 for a failure nothing else caught (logged; no stack leaves). HEAD
// is served wherever GET is: the GET answer's status and headers, no body.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { AppError } from "../app-error";
import { logger } from "../logger";
import { toAppError } from "../to-app-error";
import { recordPeerAddress } from "./peer-address";
import { securityHeaders } from "./security-headers";

/** The largest request body any JSON API reads, counted in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Where an error happened, for an API to pick its envelope. */
export type ApiPlace = { method: string; pathname: string };

/** What the edge needs of each JSON API. */
export type JsonApi = {
  owns(pathname: string): boolean;
  /** The methods the URL's path takes (GET stands for HEAD too), or null when it has no endpoint. */
  methodsAt(url: URL): readonly string[] | null;
  /** Answers a request whose method the path takes and whose body is within the limit. */
  handle(request: Request): Promise<Response>;
  /** An error in this API's envelope, with its appCode's status (json-answer.ts). */
  errorAnswer(error: AppError, place: ApiPlace): Response;
};

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

// The edge's own refusals.
const malformedRequest = () =>
  new AppError("VALIDATION_FAILED", "The Host header or the request target is malformed.", {
    fieldErrors: { host: ["not a valid host name, or a request target that is not a path"] },
  });
const noEndpoint = (pathname: string) => new AppError("NOT_FOUND", `No endpoint at ${pathname}.`);
const methodNotAllowed = (allow: string, pathname: string) => new AppError("METHOD_NOT_SUPPORTED", `Use ${allow} for ${pathname}.`);
const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `The body is larger than ${MAX_BODY_BYTES} bytes.`);

/** The Node request listener for the whole app. */
export function createEdge(options: {
  appUrl: string;
  apis: readonly JsonApi[];
  pages: PageHandler;
  /** Any method reaches the pages (the development server: its error overlay posts to Next.js). */
  anyPageMethod?: boolean;
}) {
  const headers = Object.entries(securityHeaders(options.appUrl));
  return function edge(req: IncomingMessage, res: ServerResponse): void {
    recordPeerAddress(req);
    for (const [name, value] of headers) res.setHeader(name, value);
    const url = requestUrl(req);
    const pathname = url?.pathname ?? targetPath(req.url ?? "/");
    const api = options.apis.find((a) => a.owns(pathname));
    if (api) {
      serveApi(api, req, res, url, pathname).catch((error: unknown) => lastResort(res, error));
    } else if (!url || !decodes(url.pathname)) {
      plainAnswer(res, 400, "400 Bad Request: the Host header or the request target is malformed.");
    } else if (!options.anyPageMethod && !PAGE_METHODS.includes(req.method ?? "")) {
      res.setHeader("allow", PAGE_METHODS.join(", "));
      plainAnswer(res, 405, `405 Method Not Allowed: pages take ${PAGE_METHODS.join(" and ")}.`);
    } else {
      Promise.resolve(options.pages(req, res)).catch((error: unknown) => lastResort(res, error));
    }
  };
}

/**
 * What pages and Next.js's route handlers take: they only read (no server
 * actions; forms post to the APIs). Next.js answered other methods, TRACE
 * among them, and paths that do not percent-decode, with a bare 500.
 */
const PAGE_METHODS = ["GET", "HEAD"];

/** Whether a path's percent-escapes decode to UTF-8 (Next.js fails on one that does not). */
function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function plainAnswer(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${text}\n`);
}

/** Host names, IPv4 and bracketed IPv6 addresses, with an optional port; URL parsing checks the rest. */
const HOST = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The request's URL, or null when its Host header or its target (not a path) is malformed. */
function requestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? "/";
  const host = req.headers.host ?? "localhost"; // HTTP/1.0 may send none
  if (!target.startsWith("/") || !HOST.test(host)) return null;
  try {
    return new URL(`http://${host}${target}`);
  } catch {
    return null;
  }
}

/** The path of a target that requestUrl refused (an absolute URL's own path), to find its API. */
function targetPath(target: string): string {
  try {
    return new URL(target, "http://localhost").pathname;
  } catch {
    return target.split("?")[0]!;
  }
}

async function serveApi(api: JsonApi, req: IncomingMessage, res: ServerResponse, url: URL | null, pathname: string) {
  const place = { method: req.method ?? "GET", pathname };
  const answer = await apiAnswer(api, req, url, place);
  if (answer === CLIENT_GONE) return void res.destroy();
  await send(res, answer, place.method === "HEAD");
}

async function apiAnswer(api: JsonApi, req: IncomingMessage, url: URL | null, place: ApiPlace): Promise<Response | typeof CLIENT_GONE> {
  const method = place.method === "HEAD" ? "GET" : place.method;
  try {
    if (!url) return api.errorAnswer(malformedRequest(), place);
    const methods = api.methodsAt(url);
    if (!methods) return api.errorAnswer(noEndpoint(place.pathname), place);
    if (!methods.includes(method)) {
      const allow = methods.flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m])).join(", ");
      const answer = api.errorAnswer(methodNotAllowed(allow, place.pathname), place);
      answer.headers.set("allow", allow);
      return answer;
    }
    let body: string | undefined;
    if (method !== "GET") {
      const bytes = await readBody(req);
      if (bytes === CLIENT_GONE) return CLIENT_GONE;
      if (bytes === TOO_LARGE) {
        const answer = api.errorAnswer(tooLarge(), place);
        answer.headers.set("connection", "close"); // the rest of the body is not read
        return answer;
      }
      body = bytes.toString("utf8");
    }
    return await api.handle(new Request(url, { method, headers: requestHeaders(req), body }));
  } catch (error) {
    return api.errorAnswer(toAppError(error, `${place.method} ${place.pathname}`), place);
  }
}

const TOO_LARGE = Symbol("too large");
const CLIENT_GONE = Symbol("client gone");

/** The body, or TOO_LARGE past MAX_BODY_BYTES (declared or sent), or CLIENT_GONE when the client hung up. */
function readBody(req: IncomingMessage): Promise<Buffer | typeof TOO_LARGE | typeof CLIENT_GONE> {
  return new Promise((resolve) => {
    if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) return resolve(TOO_LARGE);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off("data", onData);
      resolve(TOO_LARGE);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("close", () => resolve(req.complete ? Buffer.concat(chunks) : CLIENT_GONE));
    req.on("error", () => resolve(CLIENT_GONE));
  });
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** Writes a fetch Response to Node; for HEAD the same status and headers without the body. */
async function send(res: ServerResponse, response: Response, head: boolean): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of response.headers) if (name !== "set-cookie") headers[name] = value;
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  headers["content-length"] = body.length;
  res.writeHead(response.status, headers);
  res.end(head ? undefined : body);
}

/** A failure while answering (or in Next.js's handler): logged, and a bare 500 if nothing was sent yet. */
function lastResort(res: ServerResponse, error: unknown): void {
  logger.error({ err: error }, "request failed");
  if (res.headersSent) return void res.destroy();
  plainAnswer(res, 500, "500 Internal Server Error");
}
