// Enforces MFA_REQUIRED_FOR (shared/second-factor-policy.ts) on everything
// that acts on other users: the admin router, user.info and the seed 002
// calls about another user.
import { secondFactorRequiredFor } from "@/shared/second-factor-policy";
import { secondFactorRequired } from "./second-factor-required";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

export function assertSecondFactorToActOnOthers(s: Services, session: ValidSession): void {
  if (session.aal !== "aal2" && secondFactorRequiredFor(session.user, s.config.MFA_REQUIRED_FOR)) {
    throw secondFactorRequired("policy");
  }
}
