import { okOutput, registerInput, registerOutput, resendVerificationInput, verifyInput } from "@/shared/schemas/account";
import { sessionOutput } from "@/shared/schemas/session";
import { meOutput } from "@/shared/schemas/user";
import { register, resendVerification, verifyEmail } from "../../services/accounts";
import { getMe } from "../../services/users";
import { authenticatedProcedure, publicProcedure, router, sessionCookie } from "../trpc";

export const userRouter = router({
  register: publicProcedure
    .input(registerInput)
    .output(registerOutput)
    .mutation(({ ctx, input }) => register(ctx.services, input, ctx.meta)),

  verify: publicProcedure
    .input(verifyInput)
    .output(sessionOutput)
    .mutation(async ({ ctx, input }) => {
      const session = await verifyEmail(ctx.services, input.token, ctx.meta);
      sessionCookie.set(ctx, session.token, session.expiresAt);
      return { userId: session.userId, expiresAt: session.expiresAt.toISOString() };
    }),

  resendVerification: publicProcedure
    .input(resendVerificationInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => resendVerification(ctx.services, input.email, ctx.meta)),

  get: authenticatedProcedure.output(meOutput).query(({ ctx }) => getMe(ctx.services, ctx.session.userId)),
});
