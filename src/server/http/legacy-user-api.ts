// The legacy User API under /user, as seed document 002 specifies it: field
// names exactly as the seed, the
// session as a GUID in the body, and `error` null or an appCode.
// The same services (and so the same limits, permissions and audit) as tRPC.
import { z } from "zod";
import { APP_CODES } from "@/shared/app-codes";
import { may, rolesInWords, rolesThatMay } from "@/shared/permissions";
import { registerInput } from "@/shared/schemas/account";
import { currentPasswordSchema, emailSchema, tokenSchema } from "@/shared/schemas/fields";
import { userIdSchema } from "@/shared/schemas/user";
import type { AppError } from "../app-error";
import { userInfo } from "../services/profile";
import { register, verifyEmail } from "../services/registration";
import { assertSecondFactorToActOnOthers } from "../services/second-factor-policy";
import { logInOrRefer } from "../services/sessions";
import { setFlags } from "../services/user-flags";
import { type JsonRoute, route } from "./json-routes";
import { fromUpdateFlags, infoFlagsShape, noInfoFlags, toInfoFlags, updateFlagsShape } from "./legacy-user-flags";

export const LEGACY_USER_API_BASE = "/user";

const errorCode = z.enum(APP_CODES).nullable();
const sessionToken = tokenSchema.describe("The session from /user/login or /user/verify: a GUID (UUID v4).");
/** The seed types the session as a Guid: this API issues UUID v4 session tokens. */
const SESSION_FORM = "guid";

/** Each route's error body: `error` set, the other fields at their empty value. */
function envelope<T extends Record<string, unknown>>(empty: T, shape: z.ZodRawShape, id: string) {
  return {
    success: (data: unknown) => ({ error: null, ...(data as object) }),
    failure: (error: AppError) => ({ error: error.appCode, ...empty }),
    output: z.object({ error: z.null(), ...shape }),
    errorBody: z.object({ error: errorCode, ...shape }).meta({ id }),
  };
}

const plain = envelope({}, {}, "LegacyUserApiError");
const withSession = envelope({ session: null }, { session: z.uuid().nullable() }, "LegacySessionError");
const flags = envelope(noInfoFlags, infoFlagsShape, "LegacyInfoError");

export const legacyUserApiRoutes: JsonRoute[] = [
  route({
    ...plain,
    method: "POST",
    path: "/register",
    operationId: "userApi.register",
    summary: "Create an account (seed 002)",
    description:
      "Sends a link to https://APP/verify?token=…; with a valid teacher_token the teacher is verified at once (a token bound to another address or domain is TEACHER_TOKEN_INVALID).",
    input: z.object({
      email: registerInput.shape.email,
      password: registerInput.shape.password,
      name: registerInput.shape.name,
      teacher_token: registerInput.shape.teacherToken,
    }),
    errors: ["TEACHER_TOKEN_INVALID", "RATE_LIMITED", "OVERLOADED"],
    auth: "none",
    async handle(ctx) {
      const { teacher_token, ...rest } = ctx.input;
      await register(ctx.services, { ...rest, teacherToken: teacher_token }, ctx.meta);
      return {};
    },
  }),
  route({
    ...withSession,
    method: "PATCH",
    path: "/verify",
    operationId: "userApi.verify",
    summary: "Confirm an address and log in (seed 002)",
    description:
      "Confirms the address of a mailed link's token (a new account's, or a new address of an account) and answers a new session token.",
    input: z.object({ token: tokenSchema }),
    errors: ["TOKEN_INVALID", "TOKEN_EXPIRED", "EMAIL_TAKEN"],
    auth: "none",
    async handle(ctx) {
      const s = await verifyEmail(ctx.services, ctx.input.token, ctx.meta, SESSION_FORM);
      return { session: s.token };
    },
  }),
  route({
    ...withSession,
    method: "POST",
    path: "/login",
    operationId: "userApi.logIn",
    summary: "Log in (seed 002)",
    description:
      "Checks the credentials and answers a session token, to send as `session` in the body of the other calls. This API has no second step: an account with two-step verification answers SECOND_FACTOR_REQUIRED (log in through /api/user or the web pages instead).",
    input: z.object({ email: emailSchema, password: currentPasswordSchema }),
    errors: ["INVALID_CREDENTIALS", "SECOND_FACTOR_REQUIRED", "RATE_LIMITED", "OVERLOADED"],
    auth: "none",
    async handle(ctx) {
      const s = await logInOrRefer(ctx.services, ctx.input, ctx.meta, SESSION_FORM, { secondStep: false });
      return { session: s.token };
    },
  }),
  route({
    ...flags,
    method: "POST",
    path: "/info",
    operationId: "userApi.getInfo",
    summary: "Flags of the session's owner or of another user (seed 002)",
    description: `Needs the session token in the body (\`session\`). \`user\` null means the session's owner. report_spammer is 0 unless the caller may see it (${rolesInWords(rolesThatMay("viewReportSpammer"))}).`,
    input: z.object({ session: sessionToken, user: userIdSchema.nullish() }),
    errors: ["NOT_PERMITTED", "SECOND_FACTOR_REQUIRED", "USER_NOT_FOUND"],
    auth: "body",
    async handle(ctx) {
      if (ctx.input.user && ctx.input.user !== ctx.session.userId) assertSecondFactorToActOnOthers(ctx.services, ctx.session);
      return toInfoFlags(await userInfo(ctx.services, ctx.session.user, ctx.input.user));
    },
  }),
  route({
    ...plain,
    method: "PUT",
    path: "/update",
    operationId: "userApi.updateFlags",
    summary: "Change flags of a user (seed 002)",
    description:
      "Needs the session token in the body (`session`). `user` null means the session's owner. Null leaves a flag as it is. Nobody may ever change their own report_spammer; restating it unchanged (as /user/info shows it to them) is accepted and changes nothing.",
    input: z.object({ session: sessionToken, user: userIdSchema.nullish(), ...updateFlagsShape }),
    errors: ["NOT_PERMITTED", "SECOND_FACTOR_REQUIRED", "SELF_REPORT_SPAMMER", "LAST_ADMIN", "USER_NOT_FOUND", "REAUTHENTICATION_REQUIRED"],
    auth: "body",
    async handle(ctx) {
      // The seed forbids altering one's own report_spammer, not restating it:
      // the value /user/info shows the caller is no change, and is left out
      // (judged by the shown value, so the answer never reveals a hidden one).
      const self = !ctx.input.user || ctx.input.user === ctx.session.userId;
      if (!self) assertSecondFactorToActOnOthers(ctx.services, ctx.session);
      const shown = may(ctx.session.user, "viewReportSpammer") && ctx.session.user.reportSpammer;
      const flags = fromUpdateFlags(ctx.input);
      const restated = self && flags.reportSpammer === shown;
      await setFlags(
        ctx.services,
        ctx.session,
        { userId: ctx.input.user, ...flags, reportSpammer: restated ? null : flags.reportSpammer },
        ctx.meta,
      );
      return {};
    },
  }),
];

export const legacyUserApiNotFound = plain.failure;
