// A passkey assertion, checked against the credential it names and the
// challenge the server handed out: the owner's id when it verifies (the
// credential's counter and last use are then recorded), else null.
import { type AuthenticationResponseJSON, verifyAssertion } from "../auth/webauthn";
import { findPasskeyByCredentialId, recordPasskeyUse } from "../db/passkeys";
import type { Services } from "./service-container";

export async function verifyPasskeyAssertion(s: Services, response: AuthenticationResponseJSON, challenge: string): Promise<string | null> {
  const stored = await findPasskeyByCredentialId(s.db, response.id);
  if (!stored) return null;
  const counter = await verifyAssertion(s.config.APP_URL, response, challenge, stored);
  if (counter === null) return null;
  return (await recordPasskeyUse(s.db, stored.credentialId, counter, new Date())) ? stored.userId : null;
}
