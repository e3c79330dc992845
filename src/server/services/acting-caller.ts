// A request checks its caller's flags when it starts. An admin's change reads
// them again inside its own transaction, just before it writes: a caller
// demoted while the request ran (another admin's change, committed first)
// cannot finish it. A demotion committed after this read is ordered after the
// change, as if the request had come a moment earlier.
import type { Action } from "@/shared/permissions";
import { may } from "@/shared/permissions";
import type { UserFlagsRow } from "../db/selects";
import type { Tx } from "../db/serializable";
import { findUserFlags } from "../db/users";
import { notPermitted } from "./access-errors";

/** The caller's flags as the transaction sees them; NOT_PERMITTED when they no longer allow `action`. */
export async function callerStillMay(tx: Tx, callerId: string, action: Action, what: string): Promise<UserFlagsRow> {
  const caller = await findUserFlags(tx, callerId);
  if (!caller || !may(caller, action)) throw notPermitted(what);
  return caller;
}
