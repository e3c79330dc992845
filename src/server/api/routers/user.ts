import { z } from "zod";
import {
  okOutput,
  registerInput,
  registerOutput,
  requestPasswordResetInput,
  resendVerificationInput,
  resetPasswordInput,
  verifyInput,
} from "@/shared/schemas/account";
import {
  addPasskeyInput,
  confirmTotpInput,
  passkeyIdInput,
  passkeyRegistrationOptionsInput,
  passkeyRegistrationOptionsOutput,
  passwordAndCodeInput,
  recoveryCodesOutput,
  renamePasskeyInput,
  secondFactorsOutput,
  startTotpInput,
  startTotpOutput,
} from "@/shared/schemas/second-factor";
import { sessionOutput, sessionView } from "@/shared/schemas/session";
import { deleteUserInput, infoInput, infoOutput, meOutput, permissionsOutput, updateUserInput } from "@/shared/schemas/user";
import { addPasskey, passkeyRegistrationOptions, removePasskey, renamePasskey, secondFactorsView } from "../../services/passkeys";
import { requestPasswordReset, resetPassword } from "../../services/password-reset";
import { cancelEmailChange, deleteMe, getMe, permissionsOf, updateMe, userInfo } from "../../services/profile";
import { register, resendVerification, verifyEmail } from "../../services/registration";
import { assertSecondFactorToActOnOthers } from "../../services/second-factor-policy";
import { confirmTotp, disableTotp, regenerateRecoveryCodes, startTotp } from "../../services/totp-enrolment";
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
      const session = await verifyEmail(ctx.services, input.token, ctx.meta, "secret", input.password);
      sessionCookie.set(ctx, session.token, session.expiresAt);
      return sessionView(session);
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
      await deleteMe(ctx.services, ctx.session, input.password, ctx.meta);
      sessionCookie.clear(ctx);
      return { ok: true as const };
    }),

  permissions: authenticatedProcedure.output(permissionsOutput).query(({ ctx }) => permissionsOf(ctx.session.user)),

  info: authenticatedProcedure
    .input(infoInput)
    .output(infoOutput)
    .query(({ ctx, input }) => {
      if (input.userId && input.userId !== ctx.session.userId) assertSecondFactorToActOnOthers(ctx.services, ctx.session);
      return userInfo(ctx.services, ctx.session.user, input.userId);
    }),

  // Two-step verification and passkeys (docs/security.md).
  secondFactors: authenticatedProcedure.output(secondFactorsOutput).query(({ ctx }) => secondFactorsView(ctx.services, ctx.session.userId)),

  startTotp: authenticatedProcedure
    .input(startTotpInput)
    .output(startTotpOutput)
    .mutation(({ ctx, input }) => startTotp(ctx.services, ctx.session, input.password, ctx.meta)),

  confirmTotp: authenticatedProcedure
    .input(confirmTotpInput)
    .output(recoveryCodesOutput)
    .mutation(({ ctx, input }) => confirmTotp(ctx.services, ctx.session, input.code, ctx.meta)),

  regenerateRecoveryCodes: authenticatedProcedure
    .input(passwordAndCodeInput)
    .output(recoveryCodesOutput)
    .mutation(({ ctx, input }) => regenerateRecoveryCodes(ctx.services, ctx.session, input, ctx.meta)),

  disableTotp: authenticatedProcedure
    .input(passwordAndCodeInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => disableTotp(ctx.services, ctx.session, input, ctx.meta)),

  passkeyRegistrationOptions: authenticatedProcedure
    .input(passkeyRegistrationOptionsInput)
    .output(passkeyRegistrationOptionsOutput)
    .mutation(({ ctx, input }) => passkeyRegistrationOptions(ctx.services, ctx.session, input, ctx.meta)),

  addPasskey: authenticatedProcedure
    .input(addPasskeyInput)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => addPasskey(ctx.services, ctx.session, input, ctx.meta)),

  renamePasskey: authenticatedProcedure
    .input(renamePasskeyInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => renamePasskey(ctx.services, ctx.session, input)),

  removePasskey: authenticatedProcedure
    .input(passkeyIdInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => removePasskey(ctx.services, ctx.session, input, ctx.meta)),
});
