// A fresh confirmation link for an address, under the address's and (when a
// client asked for it) the client's limits for such requests. Only "a confirmation for this address"
// is recorded: the mail worker sends it when the address has an unconfirmed
// account, so every address costs the same work.
import { enqueueMail } from "../mail/outbox";
import type { RequestMeta } from "../request-meta";
import type { Services } from "./service-container";

export async function queueConfirmationLink(
  s: Services,
  email: string,
  meta: RequestMeta,
  /** "silently": sent on the request's own account (a log-in), under limits that never answer (rate-limits.ts). */
  mode: "answer" | "silently" = "answer",
): Promise<void> {
  if (!(await s.rateLimits.consumeMailRequest("resendVerification", email, meta, mode))) return;
  await enqueueMail(s.db, { kind: "verify-email", to: email });
  s.mail.kickSoon();
}
