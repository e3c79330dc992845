// WebAuthn through @simplewebauthn/server: the relying party is APP_URL's
// host, and only APP_URL's origin may answer. User verification (a PIN or
// biometric on the authenticator) is required, so a passkey alone is two
// factors: something held and something known or been.
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { SECOND_FACTOR } from "@/shared/policy";

export type { AuthenticationResponseJSON, RegistrationResponseJSON };

// Loaded on first use: most processes never see a passkey, and the library
// (with its certificate parsers) would cost every start memory and time.
const webauthn = () => import("@simplewebauthn/server");

const TIMEOUT_MS = SECOND_FACTOR.passkeyCeremonySeconds * 1000;

function party(appUrl: string) {
  const url = new URL(appUrl);
  return { rpID: url.hostname, origin: url.origin };
}

export async function registrationOptions(
  appUrl: string,
  user: { id: string; email: string; name: string },
  existing: { credentialId: string; transports: string | null }[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return (await webauthn()).generateRegistrationOptions({
    rpName: "Accounts",
    rpID: party(appUrl).rpID,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    timeout: TIMEOUT_MS,
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: transportsOf(c.transports) })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
}

/** The new credential, or null when the response does not verify. */
export async function verifyRegistration(appUrl: string, response: RegistrationResponseJSON, challenge: string) {
  const { rpID, origin } = party(appUrl);
  const result = await (await webauthn())
    .verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
    })
    .catch(() => null);
  if (!result?.verified) return null;
  const { credential } = result.registrationInfo;
  return {
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString("base64url"),
    counter: credential.counter,
    transports: credential.transports?.join(",") ?? null,
  };
}

/** Options for signing in: `allow` lists the credentials of a known user; none lets the browser offer any (discoverable). */
export async function authenticationOptions(
  appUrl: string,
  allow: { credentialId: string; transports: string | null }[],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return (await webauthn()).generateAuthenticationOptions({
    rpID: party(appUrl).rpID,
    timeout: TIMEOUT_MS,
    userVerification: "required",
    allowCredentials: allow.map((c) => ({ id: c.credentialId, transports: transportsOf(c.transports) })),
  });
}

/** The authenticator's new counter when the assertion verifies against the stored credential, else null. */
export async function verifyAssertion(
  appUrl: string,
  response: AuthenticationResponseJSON,
  challenge: string,
  stored: { credentialId: string; publicKey: string; counter: number; transports: string | null },
): Promise<number | null> {
  const { rpID, origin } = party(appUrl);
  const result = await (await webauthn())
    .verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: true,
      credential: {
        id: stored.credentialId,
        publicKey: new Uint8Array(Buffer.from(stored.publicKey, "base64url")),
        counter: stored.counter,
        transports: transportsOf(stored.transports),
      },
    })
    .catch(() => null);
  return result?.verified ? result.authenticationInfo.newCounter : null;
}

type Transport = string[] | undefined;

function transportsOf(stored: string | null): Transport {
  return stored ? (stored.split(",") as Transport) : undefined;
}
