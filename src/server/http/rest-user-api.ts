// The REST Users API under /api/user, as seed document 000 specifies it: the same services as the tRPC
// routers, answered as {status: "success", data} or
// {status: "error", error: {code, message}} with the HTTP status of the error.
import { z } from "zod";
import { APP_CODES } from "@/shared/app-codes";
import { durationInWords } from "@/shared/duration-in-words";
import { SESSION_LIFETIME } from "@/shared/policy";
import { okOutput, registerInput, registerOutput } from "@/shared/schemas/account";
import { tokenSchema } from "@/shared/schemas/fields";
import { SECOND_FACTOR_METHODS } from "@/shared/schemas/second-factor";
import { createSessionInput, sessionOutput, sessionView } from "@/shared/schemas/session";
import { deleteUserInput, meOutput, permissionsOutput, updateUserInput } from "@/shared/schemas/user";
import type { AppError } from "../app-error";
import { clearSessionCookie, setSessionCookie } from "../auth/session-cookie";
import { deleteMe, getMe, permissionsOf, updateMe } from "../services/profile";
import { register } from "../services/registration";
import { completeSecondFactor } from "../services/second-factor-login";
import { type IssuedSession, logInOrRefer, revokeSession } from "../services/sessions";
import { type JsonRoute, route } from "./json-routes";

export const USER_API_BASE = "/api/user";

const secondFactorCodeInput = z.object({
  ticket: tokenSchema,
  code: z.string({ error: "Enter a code." }).trim().min(1, { error: "Enter a code." }).max(32, { error: "That is not a code." }),
});

function sessionCreated(ctx: { services: { config: { APP_URL: string } }; resHeaders: Headers }, s: IssuedSession) {
  ctx.resHeaders.append("set-cookie", setSessionCookie(ctx.services.config.APP_URL, s.token, s.expiresAt));
  return sessionView(s);
}

const userApiErrorBody = z
  .object({
    status: z.literal("error"),
    error: z.object({
      code: z.enum(APP_CODES),
      message: z.string(),
      ticket: z.string().optional().meta({ description: "SECOND_FACTOR_REQUIRED at log-in: the ticket for `/session/second-factor`." }),
      methods: z.array(z.enum(SECOND_FACTOR_METHODS)).optional().meta({ description: "The second factors the account has." }),
      ticketExpiresAt: z.iso.datetime().optional(),
      triesLeft: z.number().int().optional().meta({ description: "SECOND_FACTOR_INVALID: wrong codes the ticket still admits." }),
    }),
  })
  .meta({ id: "UserApiError" });

const success = <T extends z.ZodType>(data: T) => z.object({ status: z.literal("success"), data });

const envelope = {
  success: (data: unknown) => ({ status: "success", data }),
  failure: (error: AppError) => {
    const { ticket, methods, ticketExpiresAt, triesLeft } = error.details;
    return { status: "error", error: { code: error.appCode, message: error.message, ticket, methods, ticketExpiresAt, triesLeft } };
  },
  errorBody: userApiErrorBody,
};

export const userApiRoutes: JsonRoute[] = [
  route({
    ...envelope,
    method: "POST",
    path: "/session/create",
    operationId: "usersApi.logIn",
    summary: "Log in",
    description: `Checks the credentials and sets the session cookie (HttpOnly, SameSite=Lax), which lasts SESSION_TTL_SECONDS (${durationInWords(SESSION_LIFETIME.defaultSeconds)} unless configured). An account with two-step verification answers SECOND_FACTOR_REQUIRED (403) with \`ticket\`, \`methods\` and \`ticketExpiresAt\`: send the ticket and a code to \`/session/second-factor\` within 5 minutes.`,
    input: createSessionInput,
    output: success(sessionOutput),
    errors: ["INVALID_CREDENTIALS", "SECOND_FACTOR_REQUIRED", "RATE_LIMITED", "OVERLOADED"],
    auth: "none",
    async handle(ctx) {
      const s = await logInOrRefer(ctx.services, ctx.input, ctx.meta);
      const created = sessionCreated(ctx, s);
      ctx.resHeaders.append("set-cookie", s.deviceCookie);
      return created;
    },
  }),
  route({
    ...envelope,
    method: "POST",
    path: "/session/second-factor",
    operationId: "usersApi.completeSecondFactor",
    summary: "Finish a log-in with a second factor",
    description:
      "The log-in's second step: the `ticket` from SECOND_FACTOR_REQUIRED and a `code`, either the 6-digit code of the authenticator app or a recovery code (single use; its owner is mailed). Sets the session cookie of an aal2 session. A ticket lasts 5 minutes and admits 5 wrong codes; passkeys finish the log-in through the web pages.",
    input: secondFactorCodeInput,
    output: success(sessionOutput),
    errors: ["TICKET_INVALID", "SECOND_FACTOR_INVALID", "RATE_LIMITED"],
    auth: "none",
    async handle(ctx) {
      const { ticket, code } = ctx.input;
      const proof = /^\s*\d[\d\s]*$/.test(code) ? { totp: code } : { recoveryCode: code };
      const { deviceCookie, ...session } = await completeSecondFactor(ctx.services, { ticket, ...proof }, ctx.meta);
      if (deviceCookie) ctx.resHeaders.append("set-cookie", deviceCookie);
      return sessionCreated(ctx, session);
    },
  }),
  route({
    ...envelope,
    method: "GET",
    path: "/session/validate",
    operationId: "usersApi.validateSession",
    summary: "Check the session",
    description: "The session's user and when it ends. An expired session is deleted and answers SESSION_INVALID.",
    output: success(sessionOutput),
    errors: [],
    auth: "cookie-or-bearer",
    handle: async ({ session }) => sessionView(session),
  }),
  route({
    ...envelope,
    method: "DELETE",
    path: "/session/delete",
    operationId: "usersApi.logOut",
    summary: "Log out",
    description: "Revokes the session (valid or expired) and clears the cookie; SESSION_INVALID when there was none.",
    output: success(okOutput),
    errors: [],
    auth: "presented-token",
    async handle(ctx) {
      ctx.resHeaders.append("set-cookie", clearSessionCookie(ctx.services.config.APP_URL));
      await revokeSession(ctx.services, ctx.session.token, ctx.meta);
      return { ok: true as const };
    },
  }),
  route({
    ...envelope,
    method: "POST",
    path: "/register",
    operationId: "usersApi.register",
    summary: "Create an account",
    description:
      "Sends a verification link. A registered address gets the same answer (its owner is told by mail). A valid teacher token creates a verified teacher (a known address answers the same); a token bound to another address or domain is TEACHER_TOKEN_INVALID.",
    input: registerInput,
    output: success(registerOutput),
    errors: ["TEACHER_TOKEN_INVALID", "RATE_LIMITED", "OVERLOADED"],
    auth: "none",
    handle: (ctx) => register(ctx.services, ctx.input, ctx.meta),
  }),
  route({
    ...envelope,
    method: "GET",
    path: "",
    operationId: "usersApi.getUser",
    summary: "The signed-in user",
    description: "The account of the session's user: name, email address (and a pending new one), flags and when it was created.",
    output: success(meOutput),
    errors: [],
    auth: "cookie-or-bearer",
    handle: (ctx) => getMe(ctx.services, ctx.session.userId),
  }),
  route({
    ...envelope,
    method: "PATCH",
    path: "/update",
    operationId: "usersApi.updateUser",
    summary: "Update name, email or password",
    description:
      "All or nothing; unknown fields are ignored. A new email needs the current password (`currentPassword`, or `password.current`) and stays pending until confirmed by a link sent to it; the answer is the same whether or not the new address has an account. A new password needs the current one, ends every other session and voids reset links and a pending email change.",
    input: updateUserInput,
    output: success(meOutput),
    errors: ["WRONG_PASSWORD", "RATE_LIMITED", "OVERLOADED"],
    auth: "cookie-or-bearer",
    handle: (ctx) => updateMe(ctx.services, ctx.session, ctx.input, ctx.meta),
  }),
  route({
    ...envelope,
    method: "DELETE",
    path: "/delete",
    operationId: "usersApi.deleteUser",
    summary: "Delete the signed-in user's account",
    description: "Needs the password. Deletes the account, its sessions and tokens, and clears the cookie.",
    input: deleteUserInput,
    output: success(okOutput),
    errors: ["WRONG_PASSWORD", "LAST_ADMIN", "RATE_LIMITED", "OVERLOADED"],
    auth: "cookie-or-bearer",
    async handle(ctx) {
      await deleteMe(ctx.services, ctx.session, ctx.input.password, ctx.meta);
      ctx.resHeaders.append("set-cookie", clearSessionCookie(ctx.services.config.APP_URL));
      return { ok: true as const };
    },
  }),
  route({
    ...envelope,
    method: "GET",
    path: "/permissions",
    operationId: "usersApi.getPermissions",
    summary: "What the signed-in user may do",
    description:
      "The session user's flags, and for each action of the permission table whether their role may do it (see docs/permissions.md).",
    output: success(permissionsOutput),
    errors: [],
    auth: "cookie-or-bearer",
    handle: async (ctx) => permissionsOf(ctx.session.user),
  }),
];

export const userApiNotFound = envelope.failure;
