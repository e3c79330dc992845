// Who must use a second factor before acting on other people's accounts:
// users with a role flag that MFA_REQUIRED_FOR lists (default: admin). Such
// a user whose session has one factor (aal1) may use their own account and
// set one up; every procedure that acts on other users refuses them with
// SECOND_FACTOR_REQUIRED. Read by the server, the admin page and the tests.
import type { Flags } from "./permissions";

export const MFA_ROLES = ["admin", "teacher"] as const;
export type MfaRole = (typeof MFA_ROLES)[number];

/** Whether a user with these flags must have a second factor in their session to act on others. */
export function secondFactorRequiredFor(flags: Pick<Flags, MfaRole>, requiredFor: readonly MfaRole[]): boolean {
  return requiredFor.some((role) => flags[role]);
}
