// The mails the app sends, as data: what a request records for each (the
// recipient, the user when known, the parameters only the request knows) and
// how long the link in it lives. The request never composes a mail nor mints
// its link: the outbox worker does both at delivery (services/queued-mail.ts).

const HOUR = 3600 * 1000;

export const MAIL_KINDS = {
  "verify-email": { linkTtlMs: 24 * HOUR },
  "registration-attempt": { linkTtlMs: null },
  "confirm-new-email": { linkTtlMs: 24 * HOUR },
  "email-change-notice": { linkTtlMs: null },
  // Composed instead of confirm-new-email when the new address has an account.
  "email-address-in-use": { linkTtlMs: null },
  // To the old address once the change is confirmed, with a link to undo it.
  "email-changed": { linkTtlMs: 7 * 24 * HOUR },
  "reset-password": { linkTtlMs: HOUR },
  "password-changed": { linkTtlMs: null },
} as const satisfies Record<string, { linkTtlMs: number | null }>;

export type MailKind = keyof typeof MAIL_KINDS;

/**
 * A mail to queue. Without userId, a request by address: the worker looks the
 * address up, so the request does the same work whether it has an account.
 */
export type QueuedMail =
  | { kind: "verify-email" | "reset-password"; to: string; userId?: string }
  | { kind: "registration-attempt" | "confirm-new-email" | "password-changed"; to: string; userId: string }
  | { kind: "email-change-notice" | "email-changed"; to: string; userId: string; params: { newEmail: string } };

export function isMailKind(kind: string): kind is MailKind {
  return Object.hasOwn(MAIL_KINDS, kind);
}
