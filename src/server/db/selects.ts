// One field list per model: every query that returns data to a caller uses
// these, so a password or token hash can never reach a response.
import type { Prisma } from "./client";

/** The flags that decide what a user may do. */
export const flagsSelect = {
  id: true,
  name: true,
  teacher: true,
  admin: true,
  privilegedStudent: true,
  reportSpammer: true,
} satisfies Prisma.UserSelect;

export type UserFlagsRow = Prisma.UserGetPayload<{ select: typeof flagsSelect }>;

/** A user as the account pages and user.get show them. */
export const userSelect = {
  ...flagsSelect,
  createdAt: true,
  login: { select: { email: true, emailVerifiedAt: true, pendingEmail: true } },
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

/**
 * A row of the admin user list, read with raw SQL (one statement per page):
 * the columns of "User" u and "Login" l it may return, and their types.
 */
export const listedUserColumns = `u."id", u."name", u."teacher", u."admin", u."privilegedStudent", u."reportSpammer",
  u."createdAt", l."email", l."emailVerifiedAt"`;

export type ListedUserRow = {
  id: string;
  name: string;
  teacher: boolean | number;
  admin: boolean | number;
  privilegedStudent: boolean | number;
  reportSpammer: boolean | number;
  createdAt: Date | string;
  email: string | null;
  emailVerifiedAt: Date | string | null;
};

export const teacherTokenSelect = {
  id: true,
  note: true,
  maxUses: true,
  uses: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
} satisfies Prisma.TeacherTokenSelect;

export const auditEntrySelect = {
  id: true,
  actorId: true,
  actorLabel: true,
  targetId: true,
  targetLabel: true,
  action: true,
  field: true,
  oldValue: true,
  newValue: true,
  createdAt: true,
} satisfies Prisma.AuditEntrySelect;
