// admin.setFlags: changing a user's flags under the permission table, all or
// nothing, with an audit entry per changed flag.
import type { z } from "zod";
import type { setFlagsInput } from "@/shared/schemas/admin";
import { AppError } from "../app-error";
import { flagsSelect, type UserFlagsRow } from "../db/selects";
import { serializable } from "../db/serializable";
import { canSetFlag, FLAG_ACTION, FLAG_NAMES, may } from "@/shared/permissions";
import { audit } from "./audit";
import type { Services } from "./context";
import { assertNotLastAdmin } from "./last-admin";
import { notPermitted, userNotFound } from "./access-errors";

export type FlagChanges = z.output<typeof setFlagsInput>;

const selfReportSpammer = () =>
  new AppError("SELF_REPORT_SPAMMER", "Nobody may change their own report-spammer flag.");

export async function setFlags(s: Services, callerId: string, input: FlagChanges) {
  const targetId = input.userId || callerId;
  const requested = FLAG_NAMES.filter((flag) => input[flag] !== null && input[flag] !== undefined);

  // Checked before anything else, for every caller (seed 002).
  if (targetId === callerId && requested.includes("reportSpammer")) throw selfReportSpammer();

  return serializable(s.db, async (tx) => {
    // The caller's flags are read inside the transaction: a caller demoted a
    // moment ago can no longer act.
    const caller = await tx.user.findUnique({ where: { id: callerId }, select: flagsSelect });
    if (!caller) throw notPermitted("change flags");
    if (!FLAG_NAMES.some((flag) => may(caller, FLAG_ACTION[flag]))) throw notPermitted("change user flags");
    const target = await tx.user.findUnique({
      where: { id: targetId },
      select: { ...flagsSelect, login: { select: { email: true } } },
    });
    if (!target) throw userNotFound();

    // (Changing one's own report-spammer flag was refused above.)
    for (const flag of requested) {
      if (!canSetFlag(caller, target, flag).allowed) throw notPermitted(`change the ${flag} flag of this user`);
    }
    const changed = requested.filter((flag) => target[flag] !== input[flag]);
    if (changed.includes("admin") && input.admin === false) await assertNotLastAdmin(tx, target);
    if (!changed.length) return flagsOf(target);

    const data = Object.fromEntries(changed.map((flag) => [flag, input[flag]!]));
    const updated = await tx.user.update({ where: { id: target.id }, data, select: flagsSelect });
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
    return flagsOf(updated);
  });
}

function flagsOf(user: UserFlagsRow) {
  return {
    userId: user.id,
    teacher: user.teacher,
    admin: user.admin,
    privilegedStudent: user.privilegedStudent,
    reportSpammer: user.reportSpammer,
  };
}
