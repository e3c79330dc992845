// admin.setFlags: changing a user's flags under the permission table, all or
// nothing, with an audit entry per changed flag.
import type { z } from "zod";
import {
  type Actor,
  byFlag,
  canSetFlag,
  FLAG_ACTION,
  FLAG_NAMES,
  type FlagDecision,
  type FlagName,
  flagsSeenBy,
  may,
} from "@/shared/permissions";
import type { setFlagsInput } from "@/shared/schemas/admin";
import { AppError } from "../app-error";
import type { UserFlagsRow } from "../db/selects";
import { serializable } from "../db/serializable";
import { findUserFlags, findUserFlagsWithEmail, updateUserFlags } from "../db/users";
import type { RequestMeta } from "../request-meta";
import { notPermitted, userNotFound } from "./access-errors";
import { audit } from "./audit";
import { assertNotLastAdmin } from "./last-admin";
import { isProved, reauthenticationRequired } from "./reauthentication";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

export type FlagChanges = z.output<typeof setFlagsInput>;

type Refused = Exclude<FlagDecision, { allowed: true }>;

/** The error a refused flag change answers with: the table's NOT_PERMITTED, or the refusing rule's own appCode. */
function refusal(flag: FlagName, decision: Refused): AppError {
  if (decision.appCode === "NOT_PERMITTED") return notPermitted(`change the ${flag} flag of this user`);
  return new AppError(decision.appCode, `${decision.reason}.`);
}

export async function setFlags(s: Services, session: ValidSession, input: FlagChanges, meta: RequestMeta) {
  const callerId = session.userId;
  const targetId = input.userId || callerId;
  const requested = FLAG_NAMES.filter((flag) => input[flag] !== null && input[flag] !== undefined);
  // Granting admin needs a fresh proof: a stolen admin session could
  // otherwise make its thief's own account an admin for good. Checked before
  // the transaction (a password is hashed); whether it is a grant, inside it.
  const proved = input.admin === true && may(session.user, FLAG_ACTION.admin) ? await isProved(s, session, input, meta) : false;

  return serializable(s.db, async (tx) => {
    // The caller's flags are read inside the transaction: a caller demoted a
    // moment ago can no longer act.
    const caller = await findUserFlags(tx, callerId);
    if (!caller) throw notPermitted("change flags");
    // Whoever may change no flag learns nothing about other users, not even whether they exist.
    if (targetId !== callerId && !FLAG_NAMES.some((flag) => may(caller, FLAG_ACTION[flag]))) throw notPermitted("change user flags");
    const target = await findUserFlagsWithEmail(tx, targetId);
    if (!target) throw userNotFound();

    // Every requested flag is decided before anything changes (all or
    // nothing); a refusal by a rule above the table (FLAG_RULES) is told first.
    const refused = requested
      .map((flag) => ({ flag, decision: canSetFlag(caller, target, flag, input[flag]!) }))
      .filter((d): d is { flag: FlagName; decision: Refused } => !d.decision.allowed);
    const first = refused.find((r) => r.decision.appCode !== "NOT_PERMITTED") ?? refused[0];
    if (first) throw refusal(first.flag, first.decision);
    const changed = requested.filter((flag) => target[flag] !== input[flag]);
    if (changed.includes("admin") && input.admin === true && !proved) throw reauthenticationRequired("give someone admin rights");
    // A change of an admin's admin flag is a demotion (assertNotLastAdmin passes anyone else).
    if (changed.includes("admin")) await assertNotLastAdmin(tx, target);
    if (!changed.length) return flagsOf(target, caller);

    const data = Object.fromEntries(changed.map((flag) => [flag, input[flag]!]));
    const updated = await updateUserFlags(tx, target.id, data);
    await audit(
      tx,
      changed.map((flag) => ({
        actor: caller,
        target: { id: target.id, label: target.login?.email ?? target.name },
        action: "setFlag" as const,
        field: flag,
        oldValue: String(target[flag]),
        newValue: String(updated[flag]),
      })),
    );
    return flagsOf(updated, caller);
  });
}

/** The flags after the call, as the caller may see them: reportSpammer is hidden from whom the table hides it, themselves included. */
function flagsOf(user: UserFlagsRow, caller: Actor) {
  return {
    userId: user.id,
    ...flagsSeenBy(
      caller,
      byFlag((flag) => user[flag]),
    ),
  };
}
