// An admin removes every second factor of a user who lost them (a lost
// phone): only from a session with two factors itself, audit-logged, and
// mailed to the user. The password stays, so nobody loses their last way to
// log in.
import { may } from "@/shared/permissions";
import { AppError } from "../app-error";
import { changingSecondFactors } from "../db/second-factor-lock";
import { deleteSecondFactors } from "../db/second-factors";
import { findUserLabel } from "../db/users";
import { enqueueMail } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import { notPermitted, userNotFound } from "./access-errors";
import { callerStillMay } from "./acting-caller";
import { audit } from "./audit";
import { type Reauthentication, reauthenticate } from "./reauthentication";
import { secondFactorRequired } from "./second-factor-required";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

export async function resetSecondFactors(s: Services, session: ValidSession, userId: string, proof: Reauthentication, meta: RequestMeta) {
  if (!may(session.user, "resetSecondFactors")) throw notPermitted("reset second factors");
  if (session.aal !== "aal2") throw secondFactorRequired("policy");
  // One's own factors go with the password and a code (the account page), never by an admin's reset.
  if (userId === session.userId) {
    throw new AppError(
      "SELF_SECOND_FACTORS_RESET",
      "You cannot reset your own two-step verification from the admin dashboard. Use the account page, which asks for your password and a code.",
    );
  }
  // A stolen admin session must not strip someone's factors (to take their account) without a fresh proof.
  await reauthenticate(s, session, proof, meta, "reset this user's two-step verification");
  await changingSecondFactors(s.db, userId, async (tx) => {
    await callerStillMay(tx, session.userId, "resetSecondFactors", "reset second factors");
    const target = await findUserLabel(tx, userId);
    if (!target) throw userNotFound();
    await deleteSecondFactors(tx, userId);
    await audit(tx, [
      { actor: session.user, target: { id: target.id, label: target.login?.email ?? target.name }, action: "resetSecondFactors" },
    ]);
    await s.securityEvents.record({ type: "second_factor.reset", userId, actorId: session.userId, client: meta }, tx);
    if (target.login) await enqueueMail(tx, { kind: "second-factors-reset", to: target.login.email, userId });
  });
  s.mail.kickSoon();
  return { ok: true as const };
}
