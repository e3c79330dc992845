// Bearer secrets (session tokens, email links, teacher invitations): 32 bytes
// from the CSPRNG, base64url. Only their SHA-256 is ever stored.
import { createHash, randomBytes } from "node:crypto";

export function newSecretToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
