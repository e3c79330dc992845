// tRPC setup, in three parts: 1. context, 2. init (error shape), 3. procedures.
import { initTRPC } from "@trpc/server";
import { ZodError } from "zod";
import type { AppCode } from "@/shared/app-codes";
import { AppError, sessionInvalid } from "../app-error";
import { isCrossSiteRequest } from "../auth/request-origin";
import { clearSessionCookie, sessionCookieName, sessionTokenFrom, setSessionCookie } from "../auth/session-cookie";
import { clientIp } from "../auth/request-origin";
import { isDatabaseUnavailable } from "../db/errors";
import type { RequestMeta, Services } from "../services/context";
import { validateSession } from "../services/sessions";
import { logger } from "../logger";

// 1. Context -----------------------------------------------------------------

export type Context = {
  services: Services;
  headers: Headers;
  /** Headers added to the response (Set-Cookie). */
  resHeaders: Headers;
  meta: RequestMeta;
  sessionToken: string | null;
};

/** Builds the context from request headers; shared by the route handler and tests. */
export function createContextInner(opts: { services: Services; headers: Headers; resHeaders?: Headers }): Context {
  const { services, headers } = opts;
  return {
    services,
    headers,
    resHeaders: opts.resHeaders ?? new Headers(),
    meta: { ip: clientIp(headers), userAgent: headers.get("user-agent") },
    sessionToken: sessionTokenFrom(headers, services.config.APP_URL),
  };
}

export const sessionCookie = {
  set(ctx: Context, token: string, expiresAt: Date) {
    ctx.resHeaders.append("set-cookie", setSessionCookie(ctx.services.config.APP_URL, token, expiresAt));
  },
  clear(ctx: Context) {
    ctx.resHeaders.append("set-cookie", clearSessionCookie(ctx.services.config.APP_URL));
  },
  name: (ctx: Context) => sessionCookieName(ctx.services.config.APP_URL),
};

// 2. Init: every error carries our appCode; no stack ever leaves the server. --

const DEFAULT_APP_CODES: Partial<Record<string, AppCode>> = {
  BAD_REQUEST: "VALIDATION_FAILED",
  PARSE_ERROR: "VALIDATION_FAILED",
  UNAUTHORIZED: "SESSION_INVALID",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_SUPPORTED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** An input that failed its Zod schema, as VALIDATION_FAILED naming each field. */
function validationError(error: ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "input";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const message = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages[0]}`)
    .join("; ");
  return new AppError("BAD_REQUEST", "VALIDATION_FAILED", message, { fieldErrors });
}

const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    if (error instanceof AppError) {
      return { ...shape, data: { ...data, appCode: error.appCode, ...error.details } };
    }
    const appCode = DEFAULT_APP_CODES[error.code] ?? "INTERNAL_ERROR";
    const message = appCode === "INTERNAL_ERROR" ? "Something went wrong on our side. Please try again." : shape.message;
    return { ...shape, message, data: { ...data, appCode } };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

// 3. Procedures ----------------------------------------------------------------

/**
 * Every failure leaves as an AppError: bad input as VALIDATION_FAILED, a
 * database outage as SERVICE_UNAVAILABLE. (Input parsing runs inside next().)
 */
const typedErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok && !(result.error instanceof AppError)) {
    const cause = result.error.cause ?? result.error;
    if (cause instanceof ZodError) throw validationError(cause);
    if (isDatabaseUnavailable(cause)) {
      logger.warn(`${path}: database unavailable`, cause);
      throw new AppError(
        "SERVICE_UNAVAILABLE",
        "SERVICE_UNAVAILABLE",
        "The service is briefly unavailable. Please try again in a moment.",
      );
    }
    if (result.error.code === "INTERNAL_SERVER_ERROR") logger.error(`${path} failed`, cause);
  }
  return result;
});

/** Mutations sent by another site's page are refused. */
const sameSiteMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation" && isCrossSiteRequest(ctx.headers, ctx.services.config.APP_URL)) {
    throw new AppError("FORBIDDEN", "CROSS_SITE_REQUEST", "This request came from another site and was refused.");
  }
  return next();
});

export const publicProcedure = t.procedure.use(typedErrors).use(sameSiteMutations);

/** Needs a valid session; inside, ctx.session is known to be present. */
export const authenticatedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await validateSession(ctx.services, ctx.sessionToken).catch((error) => {
    if (error instanceof AppError && error.appCode === "SESSION_INVALID" && ctx.sessionToken) sessionCookie.clear(ctx);
    throw error;
  });
  return next({ ctx: { ...ctx, session } });
});

export { sessionInvalid };
