// Plain HTTP JSON endpoints (the seeds' APIs) served from a table of routes.
// Each route names its method, path, input and output schemas and calls the
// same services as the tRPC routers; the table also generates the OpenAPI
// document. Body parsing, the media-type check, the same-site rule, the
// session a route declares and error mapping live here once; unknown paths,
// wrong methods and body size are the edge's (edge.ts), which asks the table
// which methods a path takes and how an error is wrapped.
import type { z } from "zod";
import type { AppCode } from "@/shared/app-codes";
import { AppError, sessionInvalid } from "../app-error";
import { assertSameSite, requestMeta } from "../auth/request-origin";
import { clearSessionCookie, sessionTokenFrom } from "../auth/session-cookie";
import type { RequestMeta } from "../request-meta";
import { noteRefusal } from "../services/refused-requests";
import type { Services } from "../services/service-container";
import { type ValidSession, validateSession, validateSessionOrClear } from "../services/sessions";
import { toAppError, validationError } from "../to-app-error";
import { findUnstorableText, unstorableTextRefused } from "../unstorable-text";
import type { ApiPlace, JsonApi } from "./edge";
import { errorAnswer, jsonAnswer } from "./json-answer";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * How a route is authenticated. The session is checked before the handler
 * runs, so a route cannot forget to:
 * - "cookie-or-bearer": a valid session from the cookie or Authorization header
 *   (a stale cookie is cleared);
 * - "body": a valid session from the input's `session` field;
 * - "presented-token": the cookie or Bearer token as presented, valid or
 *   expired, for the route to act on (log-out); SESSION_INVALID when none;
 * - "none": no session.
 */
export type RouteAuth = "cookie-or-bearer" | "body" | "presented-token" | "none";

type RouteSession<A extends RouteAuth> = A extends "cookie-or-bearer" | "body"
  ? ValidSession
  : A extends "presented-token"
    ? { token: string }
    : undefined;

type RouteContext<I, A extends RouteAuth = RouteAuth> = {
  services: Services;
  input: I;
  headers: Headers;
  meta: RequestMeta;
  /** Set-Cookie and other headers added to the answer. */
  resHeaders: Headers;
  /** The session the route's `auth` names, already checked. */
  session: RouteSession<A>;
};

export type JsonRoute<S extends z.ZodType = z.ZodType, O = unknown, A extends RouteAuth = RouteAuth> = {
  method: Method;
  /** Path below the API's base, e.g. "/session/create"; "" is the base itself. */
  path: string;
  /** The OpenAPI operationId, unique within its API (the document adds the API's name). */
  operationId: string;
  summary: string;
  description: string;
  input?: S;
  /** Schema of the success body (after the envelope), for the OpenAPI document. */
  output: z.ZodType;
  /** Error body schema, for the OpenAPI document. */
  errorBody: z.ZodType;
  /**
   * appCodes the route's own work may answer, for the OpenAPI document; those
   * of this module's checks are added by routeErrors.
   */
  errors: readonly AppCode[];
  auth: A;
  handle: (ctx: RouteContext<z.output<S>, A>) => Promise<O>;
  /** Wraps a result or an error in this API's envelope. */
  success: (data: O) => unknown;
  failure: (error: AppError) => unknown;
};

export function route<S extends z.ZodType, O, A extends RouteAuth>(r: JsonRoute<S, O, A>): JsonRoute {
  return r as unknown as JsonRoute;
}

/**
 * Every appCode a route may answer: its own, and those of the checks made
 * here for every route (the session it declares, the body of a method that
 * has one, the same-site rule) and of every request (a wrong method, a server
 * error, the database unreachable).
 */
export function routeErrors(r: JsonRoute): AppCode[] {
  const codes: AppCode[] = [...r.errors, "METHOD_NOT_SUPPORTED", "INTERNAL_ERROR", "SERVICE_UNAVAILABLE"];
  if (r.auth !== "none") codes.push("SESSION_INVALID");
  if (r.method !== "GET") codes.push("VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "CROSS_SITE_REQUEST");
  return [...new Set(codes)];
}

/** The session a route declares, checked (SESSION_INVALID otherwise). */
async function routeSession(auth: RouteAuth, services: Services, headers: Headers, input: unknown, resHeaders: Headers) {
  const appUrl = services.config.APP_URL;
  switch (auth) {
    case "none":
      return undefined;
    case "cookie-or-bearer":
      return validateSessionOrClear(services, sessionTokenFrom(headers, appUrl), () =>
        resHeaders.append("set-cookie", clearSessionCookie(appUrl)),
      );
    case "body": {
      const token = (input as { session?: unknown } | undefined)?.session;
      return validateSession(services, typeof token === "string" ? token : null);
    }
    case "presented-token": {
      const token = sessionTokenFrom(headers, appUrl);
      if (!token) throw sessionInvalid();
      return { token };
    }
  }
}

async function readBody(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  const text = await req.text();
  if (!text.trim()) return {};
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with Content-Type: application/json.");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION_FAILED", "The body is not valid JSON.", { fieldErrors: { body: ["not valid JSON"] } });
  }
}

/**
 * The API serving every route of a table below `base`. Errors of a path
 * without a route (and of the edge) come in `plainFailure`'s envelope; the
 * others in their route's.
 */
export function routeTableApi(base: string, routes: JsonRoute[], plainFailure: (error: AppError) => unknown, services: Services): JsonApi {
  const pathOf = (pathname: string) => pathname.slice(base.length).replace(/\/+$/, "");
  const routesAt = (pathname: string) => routes.filter((r) => r.path === pathOf(pathname));
  const failure = (error: AppError, place: ApiPlace, headers?: Headers) => {
    const at = routesAt(place.pathname);
    const method = place.method === "HEAD" ? "GET" : place.method;
    const route = at.find((r) => r.method === method) ?? at[0];
    return errorAnswer(error, (route?.failure ?? plainFailure)(error), headers);
  };

  return {
    owns: (pathname) => pathname === base || pathname.startsWith(`${base}/`),
    methodsAt(url) {
      const at = routesAt(url.pathname);
      return at.length ? at.map((r) => r.method) : null;
    },
    errorAnswer: (error, place) => failure(error, place),
    async handle(req) {
      const { pathname } = new URL(req.url);
      const place = { method: req.method, pathname };
      const where = `${req.method} ${base}${pathOf(pathname)}`;
      const match = routesAt(pathname).find((r) => r.method === req.method);
      if (!match) throw new Error(`the edge passed ${req.method} ${pathname}, which has no route`);
      const resHeaders = new Headers();
      let session: Awaited<ReturnType<typeof routeSession>>;
      try {
        if (req.method !== "GET") assertSameSite(req.headers, services.config.APP_URL);
        const raw = req.method === "GET" ? {} : await readBody(req);
        const unstorable = findUnstorableText(raw);
        if (unstorable) throw unstorableTextRefused(unstorable);
        const parsed = match.input ? match.input.safeParse(raw) : { success: true as const, data: undefined };
        if (!parsed.success) throw validationError(parsed.error);
        session = await routeSession(match.auth, services, req.headers, parsed.data, resHeaders);
        const data = await match.handle({
          services,
          input: parsed.data,
          headers: req.headers,
          meta: requestMeta(req.headers, services.config),
          resHeaders,
          session: session as RouteContext<unknown>["session"],
        });
        return jsonAnswer(200, match.success(data), resHeaders);
      } catch (thrown) {
        const error = toAppError(thrown, where);
        await noteRefusal(services, error, {
          procedure: where,
          meta: requestMeta(req.headers, services.config),
          userId: session && "userId" in session ? session.userId : null,
          sessionToken: sessionTokenFrom(req.headers, services.config.APP_URL),
        });
        return failure(error, place, resHeaders);
      }
    },
  };
}
