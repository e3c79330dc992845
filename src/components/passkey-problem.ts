// What to tell a person when a passkey step fails: the server's message, or
// the browser's refusal in words (cancelled, timed out, not supported).
import { WebAuthnError } from "@simplewebauthn/browser";
import { appCodeOf, messageOf } from "@/shared/error-message";

export function passkeyProblem(error: unknown): string {
  if (appCodeOf(error)) return messageOf(error);
  if (error instanceof WebAuthnError && error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
    return "This device already holds a passkey for your account.";
  }
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") return "No passkey was used: the request was cancelled or timed out.";
  if (name === "NotSupportedError" || name === "SecurityError") return "This browser cannot use passkeys here.";
  if (error instanceof Error && !("data" in error)) return "Your browser could not use a passkey. Try again, or use another way.";
  return messageOf(error);
}
