import { okOutput } from "@/shared/schemas/account";
import { revokedOutput } from "@/shared/schemas/admin";
import { completeSecondFactorInput, passkeyLogInInput, passkeyLogInOptionsOutput, ticketInput } from "@/shared/schemas/second-factor";
import {
  createSessionInput,
  createSessionOutput,
  revokeOtherSessionsInput,
  revokeSessionInput,
  sessionListOutput,
  sessionOutput,
  sessionView,
} from "@/shared/schemas/session";
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from "../../services/own-sessions";
import { completeSecondFactor, logInWithPasskey, passkeyLogInOptions, ticketPasskeyOptions } from "../../services/second-factor-login";
import { type IssuedSession, logIn, revokeSession, validateSessionOrClear } from "../../services/sessions";
import { authenticatedProcedure, type Context, publicProcedure, router, sessionCookie } from "../trpc";

/** Sets the cookie of a new session and answers what the API shows of it. */
function opened(ctx: Context, session: IssuedSession) {
  sessionCookie.set(ctx, session.token, session.expiresAt);
  return sessionView(session);
}

export const sessionRouter = router({
  create: publicProcedure
    .input(createSessionInput)
    .output(createSessionOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await logIn(ctx.services, input, ctx.meta);
      if (result.secondFactor) {
        ctx.resHeaders.append("set-cookie", result.deviceCookie);
        const { ticket, methods, expiresAt } = result.secondFactor;
        return { secondFactor: { ticket, methods, expiresAt: expiresAt.toISOString() } };
      }
      const session = opened(ctx, result.session);
      ctx.resHeaders.append("set-cookie", result.deviceCookie);
      return session;
    }),

  /** The log-in's second step: the ticket and one of totp, recoveryCode, passkey. */
  completeSecondFactor: publicProcedure
    .input(completeSecondFactorInput)
    .output(sessionOutput)
    .mutation(async ({ ctx, input }) => {
      const { deviceCookie, ...session } = await completeSecondFactor(ctx.services, input, ctx.meta);
      const view = opened(ctx, session);
      if (deviceCookie) ctx.resHeaders.append("set-cookie", deviceCookie);
      return view;
    }),

  /** WebAuthn options to answer a ticket with one of the account's passkeys. */
  secondFactorPasskeyOptions: publicProcedure
    .input(ticketInput)
    .output(passkeyLogInOptionsOutput.pick({ options: true }))
    .mutation(async ({ ctx, input }) => ({ options: await ticketPasskeyOptions(ctx.services, input.ticket) })),

  /** WebAuthn options for a passkey log-in without an address. */
  passkeyOptions: publicProcedure.output(passkeyLogInOptionsOutput).mutation(({ ctx }) => passkeyLogInOptions(ctx.services, ctx.meta)),

  createWithPasskey: publicProcedure
    .input(passkeyLogInInput)
    .output(sessionOutput)
    .mutation(async ({ ctx, input }) => opened(ctx, await logInWithPasskey(ctx.services, input, ctx.meta))),

  validate: publicProcedure.output(sessionOutput).query(async ({ ctx }) => {
    const session = await validateSessionOrClear(ctx.services, ctx.sessionToken, () => sessionCookie.clear(ctx));
    return sessionView(session);
  }),

  delete: publicProcedure.output(okOutput).mutation(async ({ ctx }) => {
    sessionCookie.clear(ctx);
    await revokeSession(ctx.services, ctx.sessionToken, ctx.meta);
    return { ok: true as const };
  }),

  list: authenticatedProcedure.output(sessionListOutput).query(({ ctx }) => listOwnSessions(ctx.services, ctx.session)),

  revoke: authenticatedProcedure
    .input(revokeSessionInput)
    .output(okOutput)
    .mutation(({ ctx, input: { id, ...proof } }) => revokeOwnSession(ctx.services, ctx.session, id, proof, ctx.meta)),

  revokeOthers: authenticatedProcedure
    .input(revokeOtherSessionsInput)
    .output(revokedOutput)
    .mutation(({ ctx, input }) => revokeOtherSessions(ctx.services, ctx.session, input ?? {}, ctx.meta)),
});
