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
} from "@/shared/schemas/admin";
import { listAudit } from "../../services/audit";
import { listSecurityEvents } from "../../services/security-event-list";
import { issueTeacherToken, listTeacherTokens, revokeTeacherToken } from "../../services/teacher-tokens";
import { deleteUser, listUsers, revokeUserSessions } from "../../services/user-admin";
import { setFlags } from "../../services/user-flags";
import { authenticatedProcedure, router } from "../trpc";

export const adminRouter = router({
  setFlags: authenticatedProcedure
    .input(setFlagsInput)
    .output(userFlagsOutput)
    .mutation(({ ctx, input }) => setFlags(ctx.services, ctx.session.userId, input)),

  listUsers: authenticatedProcedure
    .input(listUsersInput)
    .output(listUsersOutput)
    .query(({ ctx, input }) => listUsers(ctx.services, ctx.session.user, input)),

  deleteUser: authenticatedProcedure
    .input(userIdInput)
    .output(okOutput)
    .mutation(async ({ ctx, input }) => {
      await deleteUser(ctx.services, ctx.session.userId, input.userId);
      return { ok: true as const };
    }),

  revokeSessions: authenticatedProcedure
    .input(userIdInput)
    .output(revokedOutput)
    .mutation(({ ctx, input }) => revokeUserSessions(ctx.services, ctx.session.user, input.userId, ctx.meta)),

  createTeacherToken: authenticatedProcedure
    .input(createTeacherTokenInput)
    .output(createTeacherTokenOutput)
    .mutation(async ({ ctx, input }) => {
      const created = await issueTeacherToken(ctx.services, ctx.session.user, input);
      return { ...created, expiresAt: created.expiresAt.toISOString() };
    }),

  listTeacherTokens: authenticatedProcedure
    .output(listTeacherTokensOutput)
    .query(({ ctx }) => listTeacherTokens(ctx.services, ctx.session.user)),

  revokeTeacherToken: authenticatedProcedure
    .input(revokeTeacherTokenInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => revokeTeacherToken(ctx.services, ctx.session.user, input.id)),

  auditLog: authenticatedProcedure
    .input(auditLogInput)
    .output(auditLogOutput)
    .query(({ ctx, input }) => listAudit(ctx.services, ctx.session.user, input)),

  securityEvents: authenticatedProcedure
    .input(securityEventsInput)
    .output(securityEventsOutput)
    .query(({ ctx, input }) => listSecurityEvents(ctx.services, ctx.session.user, input)),
});
