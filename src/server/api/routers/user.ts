import {
  okOutput,
  registerInput,
  registerOutput,
  requestPasswordResetInput,
  resendVerificationInput,
  resetPasswordInput,
  verifyInput,
} from "@/shared/schemas/account";
import { sessionOutput } from "@/shared/schemas/session";
import { deleteUserInput, infoInput, infoOutput, meOutput, permissionsOutput, updateUserInput } from "@/shared/schemas/user";
import { requestPasswordReset, resetPassword } from "../../services/password-reset";
import { cancelEmailChange, deleteMe, getMe, permissionsOf, updateMe, userInfo } from "../../services/profile";
import { register, resendVerification, verifyEmail } from "../../services/registration";
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

  requestPasswordReset: publicProcedure
    .input(requestPasswordResetInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx.services, input.email, ctx.meta)),

  resetPassword: publicProcedure
    .input(resetPasswordInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => resetPassword(ctx.services, input.token, input.password, ctx.meta)),

  get: authenticatedProcedure.output(meOutput).query(({ ctx }) => getMe(ctx.services, ctx.session.userId)),

  update: authenticatedProcedure
    .input(updateUserInput)
    .output(meOutput)
    .mutation(({ ctx, input }) => updateMe(ctx.services, ctx.session, input, ctx.meta)),

  cancelEmailChange: authenticatedProcedure
    .output(meOutput)
    .mutation(({ ctx }) => cancelEmailChange(ctx.services, ctx.session.userId, ctx.meta)),

  delete: authenticatedProcedure
    .input(deleteUserInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteMe(ctx.services, ctx.session.user, input.password, ctx.meta);
      sessionCookie.clear(ctx);
      return { ok: true as const };
    }),

  permissions: authenticatedProcedure.output(permissionsOutput).query(({ ctx }) => permissionsOf(ctx.session.user)),

  info: authenticatedProcedure
    .input(infoInput)
    .output(infoOutput)
    .query(({ ctx, input }) => userInfo(ctx.services, ctx.session.user, input.userId)),
});
