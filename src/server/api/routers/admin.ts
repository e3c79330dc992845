import { okOutput } from "@/shared/schemas/account";
import {
  auditLogInput,
  auditLogOutput,
  createTeacherTokenInput,
  createTeacherTokenOutput,
  listTeacherTokensOutput,
  listUsersInput,
  listUsersOutput,
  revokedOutput,
  revokeTeacherTokenInput,
  securityEventsInput,
  securityEventsOutput,
  setFlagsInput,
  userFlagsOutput,
  userIdInput,
  userIdWithProofInput,
} from "@/shared/schemas/admin";
import { listAudit } from "../../services/audit";
import { resetSecondFactors } from "../../services/second-factor-reset";
import { listSecurityEvents } from "../../services/security-event-list";
import { issueTeacherToken, listTeacherTokens, revokeTeacherToken } from "../../services/teacher-tokens";
import { deleteUser, listUsers, revokeUserSessions } from "../../services/user-admin";
import { setFlags } from "../../services/user-flags";
import { actingOnOthersProcedure, router } from "../trpc";

export const adminRouter = router({
  setFlags: actingOnOthersProcedure
    .input(setFlagsInput)
    .output(userFlagsOutput)
    .mutation(({ ctx, input }) => setFlags(ctx.services, ctx.session, input, ctx.meta)),

  listUsers: actingOnOthersProcedure
    .input(listUsersInput)
    .output(listUsersOutput)
    .query(({ ctx, input }) => listUsers(ctx.services, ctx.session.user, input)),

  deleteUser: actingOnOthersProcedure
    .input(userIdWithProofInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteUser(ctx.services, ctx.session, input.userId, input, ctx.meta);
      return { ok: true as const };
    }),

  revokeSessions: actingOnOthersProcedure
    .input(userIdInput)
    .output(revokedOutput)
    .mutation(({ ctx, input }) => revokeUserSessions(ctx.services, ctx.session.user, input.userId, ctx.meta)),

  createTeacherToken: actingOnOthersProcedure
    .input(createTeacherTokenInput)
    .output(createTeacherTokenOutput)
    .mutation(async ({ ctx, input }) => {
      const created = await issueTeacherToken(ctx.services, ctx.session.user, input);
      return { ...created, expiresAt: created.expiresAt.toISOString() };
    }),

  listTeacherTokens: actingOnOthersProcedure
    .output(listTeacherTokensOutput)
    .query(({ ctx }) => listTeacherTokens(ctx.services, ctx.session.user)),

  revokeTeacherToken: actingOnOthersProcedure
    .input(revokeTeacherTokenInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => revokeTeacherToken(ctx.services, ctx.session.user, input.id)),

  auditLog: actingOnOthersProcedure
    .input(auditLogInput)
    .output(auditLogOutput)
    .query(({ ctx, input }) => listAudit(ctx.services, ctx.session.user, input)),

  resetSecondFactors: actingOnOthersProcedure
    .input(userIdWithProofInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => resetSecondFactors(ctx.services, ctx.session, input.userId, input, ctx.meta)),

  securityEvents: actingOnOthersProcedure
    .input(securityEventsInput)
    .output(securityEventsOutput)
    .query(({ ctx, input }) => listSecurityEvents(ctx.services, ctx.session.user, input)),
});
