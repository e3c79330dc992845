// Time limits, defaults and bounds, written once. The server enforces these
// numbers, the configuration takes its defaults and bounds from here, and the
// pages and mails that state a limit receive it as a value (a prop), so their
// words follow the numbers. Importable by pages: nothing here reaches the
// server. Durations are in seconds.

export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A default and the bounds a chosen value must keep within. */
export type Bounded = { default: number; min: number; max: number };

/** A session lasts this long from log-in (absolute, not sliding); SESSION_TTL_SECONDS chooses within the bounds. */
export const SESSION_LIFETIME = { defaultSeconds: 3 * HOUR, minSeconds: 1, maxSeconds: 31 * DAY } as const;

/**
 * How long a mailed link works, by what it does. verify: confirms the
 * account's address; change-email: confirms a new address; reset-password:
 * sets a new password; revert-email: sent to the old address once a change is
 * confirmed, takes the account back.
 */
export const LINK_LIFETIMES = {
  verify: 24 * HOUR,
  "change-email": 24 * HOUR,
  "reset-password": HOUR,
  "revert-email": 7 * DAY,
} as const;

export type LinkPurpose = keyof typeof LINK_LIFETIMES;
export type LinkLifetimes = Record<LinkPurpose, number>;

/** A new teacher token: how many registrations it admits and for how many days, when its creator does not say. */
export type TeacherTokenLimits = { maxUses: Bounded; expiresInDays: Bounded; noteLength: number };
export const TEACHER_TOKEN_LIMITS: TeacherTokenLimits = {
  maxUses: { default: 1, min: 1, max: 1000 },
  expiresInDays: { default: 14, min: 1, max: 90 },
  noteLength: 200,
};

/**
 * Rate limits: per budget, the points (requests) a key may spend in a window
 * of `duration` seconds. Counted in the database (server/auth/rate-limits.ts).
 */
export const RATE_LIMITS = {
  // Password attempts (log-in, and the password checks of account changes).
  // A client unknown to the account draws on three budgets: the account from
  // this client, this client for any account, and the account from every
  // unknown client (NIST SP 800-63B: at most 100 consecutive failures). A
  // browser that has logged in to the account before (device-cookie.ts)
  // draws on its own budget only, so failures from elsewhere never lock it out.
  loginFailuresPerAccountAndClient: { points: 10, duration: 15 * MINUTE },
  loginFailuresPerClient: { points: 100, duration: 15 * MINUTE },
  loginFailuresPerAccount: { points: 100, duration: DAY },
  loginFailuresPerDevice: { points: 10, duration: 15 * MINUTE },
  // and a day's worth: the cookie outlives a log-out on a shared computer, so
  // whoever uses that browser next guesses at most this many times a day.
  loginFailuresPerDeviceDaily: { points: 30, duration: DAY },
  registerPerEmail: { points: 5, duration: HOUR },
  registerPerIp: { points: 20, duration: HOUR },
  resendVerificationPerEmail: { points: 5, duration: HOUR },
  resendVerificationPerIp: { points: 20, duration: HOUR },
  // Fresh confirmation links a client's log-ins to unconfirmed addresses
  // send (the right password of one): a budget of its own, spent silently
  // (the mail is skipped, the answer the same), so that it tells nothing.
  confirmationOnLogInPerIp: { points: 20, duration: HOUR },
  passwordResetPerEmail: { points: 5, duration: HOUR },
  passwordResetPerIp: { points: 20, duration: HOUR },
  // Email changes: each sends mail to an address the requester chose.
  emailChangePerUser: { points: 5, duration: HOUR },
  emailChangePerAddress: { points: 5, duration: DAY },
  // Wrong second-factor codes of an account, across all its tickets: a
  // stolen password alone cannot try the million TOTP codes.
  secondFactorFailuresPerAccount: { points: 10, duration: 15 * MINUTE },
  // The same for a browser whose device cookie vouches that it finished the
  // second step of this account before (device-cookie.ts): its own budget, so
  // that a password holder spending the account's cannot stop the owner's
  // browser. A password alone never earns such a cookie.
  secondFactorFailuresPerDevice: { points: 10, duration: 15 * MINUTE },
  // ...and at most this many a day from one such browser (a copied cookie
  // outlives a log-out), and from all such browsers of an account together
  // (copies of many browsers' cookies bring no more).
  secondFactorFailuresPerDeviceDaily: { points: 30, duration: DAY },
  secondFactorFailuresPerAccountKnownDevices: { points: 100, duration: DAY },
  // Wrong registration passwords given at one confirmation link (the /verify
  // page): the link's own budget. Only the mailbox holds the link, so the
  // address's log-in budgets, which anyone can spend, are not used.
  registrationPasswordPerLink: { points: 5, duration: DAY },
  // Wrong codes a logged-in session gives as proof of a sensitive change (or to confirm a new app): its
  // own budget, so that a stolen session cannot spend the account's above
  // (and lock its owner out of the log-in's second step), nor guess for long.
  secondFactorFailuresPerSession: { points: 10, duration: DAY },
  // The same for wrong passwords a logged-in session gives to confirm a change
  // (or as proof): not the account's log-in budgets, which a stolen session
  // could spend to keep the owner out of every new browser for a day.
  passwordFailuresPerSession: { points: 10, duration: DAY },
  // Passkey log-ins started (each stores a challenge) from one client address;
  // generous for a school behind one address, small for a flood of rows.
  passkeyLogInsPerIp: { points: 300, duration: 15 * MINUTE },
} as const satisfies Record<string, { points: number; duration: number }>;

export type LimitName = keyof typeof RATE_LIMITS;

/** How long a browser that logged in to an account keeps its own failure budget (its device cookie). */
export const DEVICE_TRUST_DAYS = 180;

/** Days rows are kept before the hourly pruning removes them; MAIL_RETENTION_DAYS and SECURITY_EVENT_RETENTION_DAYS choose within the bounds. */
export const RETENTION_DAYS: Record<"mail" | "securityEvents", Bounded> = {
  mail: { default: 30, min: 1, max: 3650 },
  securityEvents: { default: 90, min: 1, max: 3650 },
};

/**
 * Password hashes that may wait for a thread, per core, beyond those the
 * threads hold: past it a hash is refused at once (503 OVERLOADED), so one
 * flood cannot queue hundreds of hashes in front of everybody else's log-in.
 */
export const HASH_QUEUE_PER_CORE = 8;

/**
 * Second factors (docs/security.md). A log-in whose password was right but
 * whose account has a second factor gets a ticket that lasts `ticketSeconds`
 * and admits `ticketTries` wrong codes; an account admits
 * `failuresPerAccount` wrong codes per `failureWindowSeconds` across all its
 * tickets. A TOTP code is 6 digits per 30-second step, accepted one step
 * early or late. Sensitive changes need the password or a second factor in
 * the request, or a log-in within `reauthenticationSeconds`.
 */
export const SECOND_FACTOR = {
  ticketSeconds: 5 * MINUTE,
  ticketTries: 5,
  totpPeriodSeconds: 30,
  totpDigits: 6,
  totpDriftSteps: 1,
  /** An enrolment started but not confirmed lapses after this. */
  enrolmentSeconds: 10 * MINUTE,
  recoveryCodeCount: 10,
  reauthenticationSeconds: 10 * MINUTE,
  /** A WebAuthn ceremony (options → response) must finish within this. */
  passkeyCeremonySeconds: 5 * MINUTE,
  passkeysPerUser: 20,
  /** Passkey registrations a user may have started and not finished; a newer one ends the oldest. */
  passkeyRegistrationsOpen: 5,
} as const;
