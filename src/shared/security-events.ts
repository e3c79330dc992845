// The kinds of security event, and how the dashboard says them in words.
// The server records them (src/server/services/security-events.ts) as JSON
// log lines and rows; admins read a user's recent ones in the user panel.

const SECURITY_EVENT_TYPES = [
  "login.succeeded",
  "login.failed",
  /** A wrong current password when changing or deleting the account. */
  "password.confirm_failed",
  /** A limit refused a request for the first time in its window. */
  "rate_limit.hit",
  /** The account's failure budget for unknown browsers is spent: they are locked out for the window. */
  "login.locked",
  "password_reset.requested",
  "password_reset.completed",
  "password.changed",
  "email_change.requested",
  "email_change.confirmed",
  "email_change.cancelled",
  "session.logged_out",
  /** Sessions ended by their user (one, or every other) or by an admin (all). */
  "session.revoked",
  /** A request the caller's role or the request's origin does not allow. */
  "authorization.refused",
  /** A wrong or replayed code (TOTP, recovery) or passkey at a log-in's second step or a re-authentication. */
  "second_factor.failed",
  "second_factor.enabled",
  "second_factor.disabled",
  "recovery_codes.regenerated",
  /** A recovery code opened a session (its owner is mailed). */
  "recovery_code.used",
  "passkey.added",
  "passkey.removed",
  /** An admin removed every second factor of the account. */
  "second_factor.reset",
] as const;

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** Events a person should look at: logged at "warn" (the others at "info"), marked in the dashboard. */
export const WARNING_EVENTS: ReadonlySet<string> = new Set<SecurityEventType>([
  "login.failed",
  "password.confirm_failed",
  "rate_limit.hit",
  "login.locked",
  "authorization.refused",
  "second_factor.failed",
  "second_factor.reset",
]);

/** The facts an event carries besides who, when and from where: small, and never a secret. */
export type SecurityEventDetails = Record<string, string | number | boolean | null>;

const LIMIT_WORDS: Record<string, string> = {
  loginFailuresPerAccountAndClient: "too many failed log-ins to this account from one network address",
  loginFailuresPerClient: "too many failed log-ins from one network address",
  loginFailuresPerAccount: "too many failed log-ins from unknown browsers",
  loginFailuresPerDevice: "too many failed log-ins from a browser known to the account",
  loginFailuresPerDeviceDaily: "too many failed log-ins in a day from a browser known to the account",
  registerPerEmail: "too many registrations with this address",
  registerPerIp: "too many registrations from one network address",
  resendVerificationPerEmail: "too many confirmation links asked for this address",
  resendVerificationPerIp: "too many confirmation links asked from one network address",
  confirmationOnLogInPerIp: "too many confirmation links sent for log-ins to unconfirmed addresses from one network address",
  passwordResetPerEmail: "too many reset links asked for this address",
  passwordResetPerIp: "too many reset links asked from one network address",
  emailChangePerUser: "too many email address changes asked by this account",
  emailChangePerAddress: "too many accounts asked to move to this address",
  secondFactorFailuresPerAccount: "too many wrong second-factor codes for this account",
  secondFactorFailuresPerDevice: "too many wrong second-factor codes from a browser that finished this account's second step before",
  secondFactorFailuresPerDeviceDaily:
    "too many wrong second-factor codes in a day from a browser that finished this account's second step before",
  secondFactorFailuresPerAccountKnownDevices:
    "too many wrong second-factor codes in a day from browsers that finished this account's second step before",
  registrationPasswordPerLink: "too many wrong passwords given at one confirmation link",
  secondFactorFailuresPerSession: "too many wrong second-factor codes given as proof by one session",
  passwordFailuresPerSession: "too many wrong passwords given by one session to confirm a change",
  passkeyLogInsPerIp: "too many passkey log-ins started from one network address",
};

const FAILURE_WORDS: Record<string, string> = {
  wrong_password: "wrong password",
  unknown_address: "no account with this address",
  email_not_verified: "right password, address not confirmed yet",
};

const REFUSAL_WORDS: Record<string, string> = {
  NOT_PERMITTED: "not permitted for this role",
  SELF_DELETE: "tried to delete their own account from the dashboard",
  SELF_REPORT_SPAMMER: "tried to change their own report-spammer flag",
  CROSS_SITE_REQUEST: "sent from another site’s page",
  SECOND_FACTOR_REQUIRED: "needs a session with a second factor",
};

const METHOD_WORDS: Record<string, string> = {
  password: "password",
  totp: "authenticator app",
  recovery: "recovery code",
  passkey: "passkey",
  link: "mailed link",
};

function method(details: SecurityEventDetails): string {
  const value = text(details, "method");
  return METHOD_WORDS[value] ?? value;
}

function text(details: SecurityEventDetails, key: string): string {
  const value = details[key];
  return value === undefined || value === null ? "" : String(value);
}

/** What happened, in words: "Log-in failed: wrong password". The actor, place and device are shown beside it. */
export function describeSecurityEvent(type: string, details: SecurityEventDetails): string {
  switch (type as SecurityEventType) {
    case "login.succeeded":
      if (details.via === "mailed link") return "Logged in by opening a mailed link";
      if (details.method === "passkey") return "Logged in with a passkey";
      if (details.method === "totp" || details.method === "recovery")
        return `Logged in with the password and ${method(details) === "recovery code" ? "a recovery code" : "an authenticator app"}`;
      return "Logged in";
    case "login.failed":
      return `Log-in failed: ${FAILURE_WORDS[text(details, "reason")] ?? text(details, "reason")}`;
    case "password.confirm_failed":
      return "Wrong current password when changing or deleting the account";
    case "rate_limit.hit":
      return `Limit reached: ${LIMIT_WORDS[text(details, "limit")] ?? text(details, "limit")}`;
    case "login.locked":
      return "Log-in locked for unknown browsers: too many failed log-ins";
    case "password_reset.requested":
      return "Reset link asked for";
    case "password_reset.completed": {
      const ended = Number(details.sessionsEnded ?? 0);
      const how = details.takeBack
        ? "Account taken back to its old address with a mailed link, new password set"
        : "Password reset with a mailed link";
      return `${how}${ended ? `; ${ended} session${ended === 1 ? "" : "s"} ended` : ""}`;
    }
    case "password.changed": {
      const ended = Number(details.sessionsEnded ?? 0);
      return `Password changed${ended ? `; ${ended} other session${ended === 1 ? "" : "s"} ended` : ""}`;
    }
    case "email_change.requested":
      return "Email change asked for";
    case "email_change.confirmed":
      return "Email change confirmed";
    case "email_change.cancelled":
      return "Email change cancelled";
    case "session.logged_out":
      return "Logged out";
    case "session.revoked": {
      const count = Number(details.count ?? 1);
      const sessions = `${count} session${count === 1 ? "" : "s"}`;
      if (details.scope === "all") return `Logged out everywhere (${sessions} ended)`;
      if (details.scope === "others") return `Logged out on every other device (${sessions} ended)`;
      return "Ended one of their sessions";
    }
    case "authorization.refused": {
      const why = REFUSAL_WORDS[text(details, "code")] ?? text(details, "code");
      return `Refused ${text(details, "procedure") || "a request"}: ${why}`;
    }
    case "second_factor.failed":
      return `Wrong second factor (${method(details)})`;
    case "second_factor.enabled":
      return `Two-step verification turned on (${method(details)})`;
    case "second_factor.disabled":
      return `Two-step verification turned off (${method(details)})`;
    case "recovery_codes.regenerated":
      return "New recovery codes made (the old ones no longer work)";
    case "recovery_code.used":
      return "Logged in with a recovery code";
    case "passkey.added":
      return "Passkey added";
    case "passkey.removed":
      return "Passkey removed";
    case "second_factor.reset":
      return "Second factors reset by an admin";
    default:
      return type;
  }
}
