// Adding a second factor (a passkey, an authenticator app) to an account that
// has one needs a session of two factors, or a current app code in the
// request: the password is not enough. A session opened before the owner set
// up two-step verification (a thief's, who has the password) could otherwise
// add its own factor, and so raise itself to two factors and keep a way in
// that the owner's factor never approved. The first factor of an account may
// be added by any session that proves its user.
import { factorAddedSince, secondFactorsOf } from "../db/second-factors";
import type { Tx } from "../db/serializable";
import { secondFactorRequired } from "./second-factor-required";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

export async function assertMayAddFactor(s: Services, session: ValidSession, provedByCode: boolean): Promise<void> {
  if (session.aal === "aal2" || provedByCode) return;
  const { totp, passkey } = await secondFactorsOf(s.db, session.userId);
  if (totp || passkey) throw secondFactorRequired("another-factor");
}

/**
 * The same rule where the factor is stored, in its transaction (under the
 * user's factor lock): a set-up begun while the account had no factor, or
 * only those it was proved against, may not finish from a one-factor session
 * once the account has gained another factor, which never approved it.
 */
export async function assertNoFactorAddedSince(tx: Tx, session: ValidSession, since: Date): Promise<void> {
  if (session.aal === "aal2") return;
  if (await factorAddedSince(tx, session.userId, since)) throw secondFactorRequired("another-factor");
}
