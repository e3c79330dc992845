// tRPC setup, in three parts: 1. context, 2. init (error shape), 3. procedures.
import { initTRPC } from "@trpc/server";
import { AppError } from "../app-error";
import { assertSameSite, requestMeta } from "../auth/request-origin";
import { clearSessionCookie, sessionTokenFrom, setSessionCookie } from "../auth/session-cookie";
import type { RequestMeta } from "../request-meta";
import { noteRefusal } from "../services/refused-requests";
import { assertSecondFactorToActOnOthers } from "../services/second-factor-policy";
import type { Services } from "../services/service-container";
import { validateSessionOrClear } from "../services/sessions";
import { INTERNAL_MESSAGE } from "../to-app-error";
import { findUnstorableText, unstorableTextRefused } from "../unstorable-text";
import { defaultAppCode, TRPCAppError, toTRPCAppError } from "./trpc-app-error";

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
    meta: requestMeta(headers, services.config),
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
};

// 2. Init: every error carries our appCode; no stack ever leaves the server. --

const t = initTRPC.context<Context>().create({
  isDev: false,
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    if (error instanceof TRPCAppError) {
      return { ...shape, data: { ...data, appCode: error.appCode, ...error.details } };
    }
    // Errors raised by tRPC itself (unknown procedure, wrong method, bad JSON);
    // their tRPC code already set the status, which is their appCode's.
    const appCode = defaultAppCode(error.code);
    const message = appCode === "INTERNAL_ERROR" ? INTERNAL_MESSAGE : shape.message;
    return { ...shape, message, data: { ...data, appCode } };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

// 3. Procedures ----------------------------------------------------------------

/**
 * Every failure leaves as an AppError, with the tRPC code the error table
 * gives its appCode: bad input as VALIDATION_FAILED, a database outage as
 * SERVICE_UNAVAILABLE. (Input parsing runs inside next().)
 */
const typedErrors = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) throw toTRPCAppError(result.error, path);
  return result;
});

/**
 * A refused authorization, wherever it was refused below, is a security event
 * of the caller (when there is a session). tRPC hands over what was thrown as
 * its error's cause.
 */
const refusalEvents = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (!result.ok) {
    await noteRefusal(ctx.services, result.error.cause, { procedure: path, meta: ctx.meta, sessionToken: ctx.sessionToken });
  }
  return result;
});

/** Mutations sent by another site's page are refused. */
const sameSiteMutations = t.middleware(({ ctx, type, next }) => {
  if (type === "mutation") assertSameSite(ctx.headers, ctx.services.config.APP_URL);
  return next();
});

/** Text no database can store (NUL, lone surrogates) is refused before any input reaches a service. */
const storableText = t.middleware(async ({ getRawInput, next }) => {
  const unstorable = findUnstorableText(await getRawInput());
  if (unstorable) throw unstorableTextRefused(unstorable);
  return next();
});

export const publicProcedure = t.procedure.use(typedErrors).use(refusalEvents).use(sameSiteMutations).use(storableText);

/** Needs a valid session; inside, ctx.session is known to be present. */
export const authenticatedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const clearCookie = () => sessionCookie.clear(ctx);
  const session = await validateSessionOrClear(ctx.services, ctx.sessionToken, clearCookie);
  const result = await next({ ctx: { ...ctx, session } });
  // The session ended while the call ran (a factor added from it, services/passkeys.ts): its cookie goes, as at validation.
  if (!result.ok && result.error.cause instanceof AppError && result.error.cause.appCode === "SESSION_INVALID") clearCookie();
  return result;
});

/**
 * Acts on other users: besides a valid session, a user whose role
 * MFA_REQUIRED_FOR lists needs two factors in it (SECOND_FACTOR_REQUIRED).
 */
export const actingOnOthersProcedure = authenticatedProcedure.use(({ ctx, next }) => {
  assertSecondFactorToActOnOthers(ctx.services, ctx.session);
  return next();
});
