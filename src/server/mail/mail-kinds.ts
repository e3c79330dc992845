// The mails the app sends, as data: what a request records for each (the
// recipient, the user when known, the parameters only the request knows) and
// which kind of link it carries (its lifetime is LINK_LIFETIMES, in
// shared/policy.ts). The request never composes a mail nor mints its link:
// the outbox worker does both at delivery (services/queued-mail.ts).
import { LINK_LIFETIMES, type LinkPurpose } from "@/shared/policy";

const MAIL_KINDS = {
  "verify-email": { link: "verify" },
  "registration-attempt": { link: null },
  "confirm-new-email": { link: "change-email" },
  "email-change-notice": { link: null },
  // Composed instead of confirm-new-email when the new address has an account.
  "email-address-in-use": { link: null },
  // To the old address once the change is confirmed, with a link to undo it.
  "email-changed": { link: "revert-email" },
  "reset-password": { link: "reset-password" },
  "password-changed": { link: null },
  // A recovery code opened a session; an admin removed the account's second factors.
  "recovery-code-used": { link: null },
  "second-factors-reset": { link: null },
  // An authenticator app turned on or off, a passkey added or removed: a taker's new way in is not silent.
  "second-factor-changed": { link: null },
} as const satisfies Record<string, { link: LinkPurpose | null }>;

export type MailKind = keyof typeof MAIL_KINDS;

/** How long the link in a mail of this kind works, in milliseconds; null when it carries none. */
export function linkTtlMs(kind: MailKind): number | null {
  const purpose: LinkPurpose | null = MAIL_KINDS[kind].link;
  return purpose ? LINK_LIFETIMES[purpose] * 1000 : null;
}

/**
 * A mail to queue. Without userId, a request by address: the worker looks the
 * address up, so the request does the same work whether it has an account.
 */
export type QueuedMail =
  | { kind: "verify-email" | "reset-password" | "registration-attempt"; to: string; userId?: string }
  | {
      kind: "confirm-new-email" | "password-changed" | "recovery-code-used" | "second-factors-reset";
      to: string;
      userId: string;
    }
  | { kind: "email-change-notice" | "email-changed"; to: string; userId: string; params: { newEmail: string } }
  | { kind: "second-factor-changed"; to: string; userId: string; params: { change: SecondFactorChange; passkeyName?: string } };

/** What a second-factor-changed mail tells. */
export const SECOND_FACTOR_CHANGES = ["app-added", "app-removed", "passkey-added", "passkey-removed"] as const;
export type SecondFactorChange = (typeof SECOND_FACTOR_CHANGES)[number];

export function isMailKind(kind: string): kind is MailKind {
  return Object.hasOwn(MAIL_KINDS, kind);
}
