import { okOutput } from "@/shared/schemas/account";
import { revokedOutput } from "@/shared/schemas/admin";
import { createSessionInput, revokeSessionInput, sessionListOutput, sessionOutput } from "@/shared/schemas/session";
import { listOwnSessions, revokeOtherSessions, revokeOwnSession } from "../../services/own-sessions";
import { logIn, revokeSession, validateSessionOrClear } from "../../services/sessions";
import { authenticatedProcedure, publicProcedure, router, sessionCookie } from "../trpc";

export const sessionRouter = router({
  create: publicProcedure
    .input(createSessionInput)
    .output(sessionOutput)
    .mutation(async ({ ctx, input }) => {
      const session = await logIn(ctx.services, input, ctx.meta);
      sessionCookie.set(ctx, session.token, session.expiresAt);
      ctx.resHeaders.append("set-cookie", session.deviceCookie);
      return { userId: session.userId, expiresAt: session.expiresAt.toISOString() };
    }),

  validate: publicProcedure.output(sessionOutput).query(async ({ ctx }) => {
    const session = await validateSessionOrClear(ctx.services, ctx.sessionToken, () => sessionCookie.clear(ctx));
    return { userId: session.userId, expiresAt: session.expiresAt.toISOString() };
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
    .mutation(({ ctx, input }) => revokeOwnSession(ctx.services, ctx.session, input.id, ctx.meta)),

  revokeOthers: authenticatedProcedure
    .output(revokedOutput)
    .mutation(({ ctx }) => revokeOtherSessions(ctx.services, ctx.session, ctx.meta)),
});
