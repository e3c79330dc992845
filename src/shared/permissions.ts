// Who may do what, written once as data. The services enforce it, the pages
// use it to enable or explain controls, docs/permissions.md shows it, and the
// tests walk it — so none of them can disagree.

export type Role = "student" | "privilegedStudent" | "teacher" | "admin";

export type Flags = { teacher: boolean; admin: boolean; privilegedStudent: boolean; reportSpammer: boolean };
export const FLAG_NAMES = ["teacher", "admin", "privilegedStudent", "reportSpammer"] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

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
};

export const FLAG_ACTION: Record<FlagName, Action> = {
  teacher: "setTeacher",
  admin: "setAdmin",
  privilegedStudent: "setPrivilegedStudent",
  reportSpammer: "setReportSpammer",
};

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

/** The strongest role a set of flags gives. */
function roleOf(flags: Pick<Flags, "teacher" | "admin" | "privilegedStudent">): Role {
  if (flags.admin) return "admin";
  if (flags.teacher) return "teacher";
  if (flags.privilegedStudent) return "privilegedStudent";
  return "student";
}

export type Actor = { id: string } & Pick<Flags, "teacher" | "admin" | "privilegedStudent">;
export type Target = { id: string } & Pick<Flags, "teacher" | "admin">;

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

type FlagDecision = { allowed: true } | { allowed: false; reason: "self-report-spammer" | "not-permitted" };

/** Whether the actor may change this flag on this target, with the reason when not. */
export function canSetFlag(actor: Actor, target: Target, flag: FlagName): FlagDecision {
  if (flag === "reportSpammer" && actor.id === target.id) return { allowed: false, reason: "self-report-spammer" };
  return mayOn(actor, FLAG_ACTION[flag], target) ? { allowed: true } : { allowed: false, reason: "not-permitted" };
}

/** The caller's capabilities, as user.permissions reports them. */
export function capabilities(actor: Actor) {
  return {
    viewUsers: may(actor, "viewUsers"),
    setPrivilegedStudent: may(actor, "setPrivilegedStudent"),
    setReportSpammer: may(actor, "setReportSpammer"),
    setTeacher: may(actor, "setTeacher"),
    setAdmin: may(actor, "setAdmin"),
    manageTeacherTokens: may(actor, "manageTeacherTokens"),
    deleteUsers: may(actor, "deleteUsers"),
  };
}

/** Whether the viewer may see report-spammer flags (the table's viewReportSpammer). */
export function maySeeReportSpammer(viewer: Actor): boolean {
  return may(viewer, "viewReportSpammer");
}

/** Why a flag control is disabled, in words for the dashboard. */
export function flagDecisionReason(actor: Actor, target: Target, flag: FlagName): string | null {
  const decision = canSetFlag(actor, target, flag);
  if (decision.allowed) return null;
  if (decision.reason === "self-report-spammer") return "Nobody can change their own report-spammer flag";
  const scope = PERMISSIONS[FLAG_ACTION[flag]][roleOf(actor)];
  if (scope === "students") return `${ROLE_LABELS[roleOf(actor)]}s can change this only for students`;
  const roles = (Object.keys(PERMISSIONS[FLAG_ACTION[flag]]) as Role[]).map((r) => `${ROLE_LABELS[r].toLowerCase()}s`);
  return `Only ${roles.join(" and ")} can change this`;
}
