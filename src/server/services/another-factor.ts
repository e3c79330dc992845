// Adding a second factor (a passkey, an authenticator app) to an account that
// has one needs a session of two factors, or a current app code in the
// request: the password is not enough. A session opened before the owner set
// up two-step verification (a thief's, who has the password) could otherwise
// add its own factor, and so raise itself to two factors and keep a way in
// that the owner's factor never approved. The first factor of an account may
// be added by any session that proves its user.
import { secondFactorsOf } from "../db/second-factors";
import { secondFactorRequired } from "./second-factor-required";
import type { Services } from "./service-container";
import type { ValidSession } from "./sessions";

export async function assertMayAddFactor(s: Services, session: ValidSession, provedByCode: boolean): Promise<void> {
  if (session.aal === "aal2" || provedByCode) return;
  const { totp, passkey } = await secondFactorsOf(s.db, session.userId);
  if (totp || passkey) throw secondFactorRequired("another-factor");
}
