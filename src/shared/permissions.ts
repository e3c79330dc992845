// Who may do what, written once as data. The services enforce it, the pages
// use it to enable or explain controls, docs/permissions.md is generated from
// it (permissions-doc.ts), and the tests walk it — so none of them can disagree.
import type { AppCode } from "./app-codes";

/** The flags a user has. Every list, shape and field of flags is built from this one. */
export const FLAG_NAMES = ["teacher", "admin", "privilegedStudent", "reportSpammer"] as const;
export type FlagName = (typeof FLAG_NAMES)[number];
export type Flags = Record<FlagName, boolean>;

/** One entry per flag (of `flags`, all four unless told), in the list's order. */
export function byFlag<V>(value: (flag: FlagName) => V): Record<FlagName, V>;
export function byFlag<V, F extends FlagName>(value: (flag: F) => V, flags: readonly F[]): Record<F, V>;
export function byFlag<V>(value: (flag: FlagName) => V, flags: readonly FlagName[] = FLAG_NAMES): Record<string, V> {
  return Object.fromEntries(flags.map((flag) => [flag, value(flag)]));
}

/**
 * Roles, weakest first. A user's role is the strongest of their flags among
 * these, else student; reportSpammer is a mark others put on a user, not a role.
 */
export const ROLES = ["student", "privilegedStudent", "teacher", "admin"] as const satisfies readonly ("student" | FlagName)[];
export type Role = (typeof ROLES)[number];
export type RoleFlag = Exclude<Role, "student">;

/** The flags that give a role, in FLAG_NAMES order: what a person sees as their roles. */
export const ROLE_FLAGS: readonly RoleFlag[] = FLAG_NAMES.filter((flag): flag is RoleFlag => (ROLES as readonly string[]).includes(flag));

/**
 * On whom a role may act: "anyone", or only "students" (users who are
 * neither teacher nor admin).
 */
type Scope = "anyone" | "students";

export const ACTIONS = [
  "viewUsers",
  "viewReportSpammer",
  "setPrivilegedStudent",
  "setReportSpammer",
  "setTeacher",
  "setAdmin",
  "manageTeacherTokens",
  "deleteUsers",
  "revokeSessions",
  "viewAuditLog",
  "viewSecurityEvents",
  "resetSecondFactors",
  "viewSecondFactors",
] as const;
export type Action = (typeof ACTIONS)[number];

/** The table: action → the roles that may do it, and on whom. Absent = never. */
export const PERMISSIONS: Record<Action, Partial<Record<Role, Scope>>> = {
  viewUsers: { teacher: "anyone", admin: "anyone" },
  viewReportSpammer: { teacher: "anyone", admin: "anyone" },
  setPrivilegedStudent: { teacher: "students", admin: "anyone" },
  setReportSpammer: { teacher: "students", admin: "anyone" },
  setTeacher: { admin: "anyone" },
  setAdmin: { admin: "anyone" },
  manageTeacherTokens: { admin: "anyone" },
  deleteUsers: { admin: "anyone" },
  revokeSessions: { admin: "anyone" },
  viewAuditLog: { admin: "anyone" },
  viewSecurityEvents: { admin: "anyone" },
  resetSecondFactors: { admin: "anyone" },
  // Whether a user has two-step verification: which admins lack it is a phisher's short list.
  viewSecondFactors: { admin: "anyone" },
};

/** The action that changes each flag. */
export const FLAG_ACTION: Record<FlagName, Action> = {
  teacher: "setTeacher",
  admin: "setAdmin",
  privilegedStudent: "setPrivilegedStudent",
  reportSpammer: "setReportSpammer",
};

/** What user.permissions reports under `can`: whether the caller's role may do these at all. */
export const CAPABILITIES = [
  "viewUsers",
  "setPrivilegedStudent",
  "setReportSpammer",
  "setTeacher",
  "setAdmin",
  "manageTeacherTokens",
  "deleteUsers",
  "resetSecondFactors",
] as const satisfies readonly Action[];

export const ROLE_LABELS: Record<Role, string> = {
  student: "Student",
  privilegedStudent: "Privileged student",
  teacher: "Teacher",
  admin: "Admin",
};

export const FLAG_LABELS: Record<FlagName, string> = {
  teacher: "Teacher",
  admin: "Admin",
  privilegedStudent: "Privileged student",
  reportSpammer: "Report spammer",
};

export type Actor = { id: string } & Pick<Flags, RoleFlag>;
export type Target = { id: string } & Pick<Flags, "teacher" | "admin">;

/** The strongest role a set of flags gives. */
export function roleOf(flags: Pick<Flags, RoleFlag>): Role {
  // "student" always matches: there is always a last one.
  return ROLES.findLast((role) => role === "student" || flags[role])!;
}

/** Only what the permission checks read of a user (a page passes no more to the browser). */
export function actorOf(user: Actor): Actor {
  return { id: user.id, ...byFlag((flag) => user[flag], ROLE_FLAGS) };
}

/** Whether the actor's role may do this at all (on someone). */
export function may(actor: Actor, action: Action): boolean {
  return PERMISSIONS[action][roleOf(actor)] !== undefined;
}

/** Whether the actor may do this to this target, by the table alone. */
export function mayOn(actor: Actor, action: Action, target: Target): boolean {
  const scope = PERMISSIONS[action][roleOf(actor)];
  if (!scope) return false;
  return scope === "anyone" || (!target.teacher && !target.admin);
}

/** The roles that may do this, weakest first. */
export function rolesThatMay(action: Action): Role[] {
  return ROLES.filter((role) => PERMISSIONS[action][role] !== undefined);
}

/** Roles in words, for sentences: "teachers and admins". */
export function rolesInWords(roles: readonly Role[]): string {
  const words = roles.map((role) => `${ROLE_LABELS[role].toLowerCase()}s`);
  return words.length <= 1 ? (words[0] ?? "nobody") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** One requested change of a flag: who asks, on whom, which flag, and the value asked for. */
type FlagChange = { actor: Actor; target: Target; flag: FlagName; value: boolean };

/**
 * A rule above the table: a change it `refuses` is refused, whatever the
 * table says, with its appCode; `says` is why, in the dashboard's words;
 * `doc` is the rule as docs/permissions.md states it. A rule may read the
 * value asked for, e.g. "teachers may set but not unset privileged student":
 * `({ actor, flag, value }) => flag === "privilegedStudent" && roleOf(actor) === "teacher" && !value`.
 */
export type FlagRule = { appCode: AppCode; refuses: (change: FlagChange) => boolean; says: string; doc: string };

export const FLAG_RULES: readonly FlagRule[] = [
  {
    appCode: "SELF_REPORT_SPAMMER",
    refuses: ({ actor, target, flag }) => flag === "reportSpammer" && actor.id === target.id,
    says: "Nobody can change their own report-spammer flag",
    doc:
      "**Nobody, admins included, may ever change their own `reportSpammer` flag** (seed 002) → `SELF_REPORT_SPAMMER`. " +
      "This is checked first, for every caller, even when the value would not change.",
  },
];

/**
 * The rules the services enforce beside the table and FLAG_RULES (they need
 * the database or the session), as docs/permissions.md states them.
 */
export const SERVICE_RULES: readonly string[] = [
  "**There is always an admin**: the last admin cannot lose `admin` nor be deleted (by an admin or by deleting " +
    "their own account) → `LAST_ADMIN`. The check runs in a serializable transaction that is retried on conflict, " +
    "so two admins demoting each other at the same moment cannot both succeed.",
  `**\`reportSpammer\` is visible only to ${rolesInWords(rolesThatMay("viewReportSpammer"))}** (\`viewReportSpammer\`): ` +
    "`user.info` answers `false` to anyone else, including about themselves.",
  "Other users' flags (`user.info` with a `userId`) and the user list need `viewUsers`; anyone else gets `NOT_PERMITTED`.",
  "Every change of a flag writes one audit entry (actor, target, field, old and new value, time), in the same " +
    "transaction as the change. Admin actions on sessions, accounts and teacher tokens are audited too.",
  "Anonymous callers, and people whose address is not confirmed (they cannot log in), get `SESSION_INVALID` from " +
    "every procedure that needs a session.",
];

export type FlagDecision = { allowed: true } | { allowed: false; appCode: AppCode; reason: string };

/**
 * Whether the actor may set this flag of this target to `value`: the rules
 * above the table first (FLAG_RULES unless told otherwise), then the table.
 * When not, the appCode to refuse with and the reason in words.
 */
export function canSetFlag(
  actor: Actor,
  target: Target,
  flag: FlagName,
  value: boolean,
  rules: readonly FlagRule[] = FLAG_RULES,
): FlagDecision {
  const rule = rules.find((r) => r.refuses({ actor, target, flag, value }));
  if (rule) return { allowed: false, appCode: rule.appCode, reason: rule.says };
  if (mayOn(actor, FLAG_ACTION[flag], target)) return { allowed: true };
  const scope = PERMISSIONS[FLAG_ACTION[flag]][roleOf(actor)];
  const reason =
    scope === "students"
      ? `${ROLE_LABELS[roleOf(actor)]}s can change this only for students`
      : `Only ${rolesInWords(rolesThatMay(FLAG_ACTION[flag]))} can change this`;
  return { allowed: false, appCode: "NOT_PERMITTED", reason };
}

/** The caller's capabilities, as user.permissions reports them. */
export function capabilities(actor: Actor): Record<(typeof CAPABILITIES)[number], boolean> {
  return Object.fromEntries(CAPABILITIES.map((action) => [action, may(actor, action)])) as Record<(typeof CAPABILITIES)[number], boolean>;
}

/** A user's flags as this viewer may see them: reportSpammer only for those the table lets view it. */
export function flagsSeenBy(viewer: Actor, flags: Flags): Flags {
  return { ...flags, reportSpammer: may(viewer, "viewReportSpammer") && flags.reportSpammer };
}

/** Why a flag control is disabled (the switch would set `value`), in words for the dashboard; null when it is not. */
export function flagDecisionReason(actor: Actor, target: Target, flag: FlagName, value: boolean): string | null {
  const decision = canSetFlag(actor, target, flag, value);
  return decision.allowed ? null : decision.reason;
}
