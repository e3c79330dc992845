// Our stable application error codes, sent in error.data.appCode (tRPC) and as
// the error code of the HTTP APIs, and the one table that says what each one
// means on the wire. The tRPC adapter, both HTTP APIs, the OpenAPI document and
// docs/errors.md (`npm run docs:errors`) all read their statuses from here, so
// code that refuses something names only the appCode.
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

type AppCodeEntry = {
  /** The HTTP status of every answer with this appCode, on every API. */
  httpStatus: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503;
  /** tRPC's code for it (error.data.code); tRPC's own status for that code is httpStatus (a test checks). */
  trpcCode: TRPC_ERROR_CODE_KEY;
  /** When it is answered: the "When" column of docs/errors.md (Markdown). */
  when: string;
};

export const APP_ERRORS = {
  VALIDATION_FAILED: {
    httpStatus: 400,
    trpcCode: "BAD_REQUEST",
    when: "The input does not fit the procedure's schema (the message names each field: `email: Enter a valid email address.`), the body is not valid JSON, a chosen password breaks a password rule (in the common list, only spaces, one character or short group repeated, a simple sequence, the person's name or address; the message says which), or text holds a NUL, a lone surrogate, or (names, notes) a control character, a bidi override or an invisible character where no script needs it. Nothing was changed.",
  },
  TEACHER_TOKEN_INVALID: {
    httpStatus: 400,
    trpcCode: "BAD_REQUEST",
    when: "`user.register` with a teacher token that is unknown, expired, revoked or used up, or bound to another address or domain than the one registering. No account was created and no use was taken.",
  },
  TOKEN_INVALID: {
    httpStatus: 400,
    trpcCode: "BAD_REQUEST",
    when: "An emailed link's token (verification, new address, password reset) is unknown, already used, replaced by a newer one (address links), voided because the password was reset with another link, or of another kind.",
  },
  TOKEN_EXPIRED: {
    httpStatus: 400,
    trpcCode: "BAD_REQUEST",
    when: "An emailed link's token is past its lifetime (verification and new address: 24 hours; password reset: 1 hour). Ask for a new one.",
  },
  INVALID_CREDENTIALS: {
    httpStatus: 401,
    trpcCode: "UNAUTHORIZED",
    when: "`session.create`: unknown email, wrong password, or the right password of an address not confirmed yet (which is mailed a fresh confirmation link). All answer the same, in similar time: a log-in never tells whether an address has an account.",
  },
  SECOND_FACTOR_REQUIRED: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "The session has one factor (`aal1`) but needs two: a procedure that acts on other users (every `admin.*` procedure) called by a user whose role `MFA_REQUIRED_FOR` lists, or `admin.resetSecondFactors` by anyone; set up two-step verification on the account page first (enrolling raises the current session to `aal2`). Also adding a passkey (`user.passkeyRegistrationOptions` without a `code`) or starting an authenticator app (`user.startTotp`) from a one-factor session on an account that already has a second factor: log in with it, or give a current app code. The seed APIs also answer it to a right password for an account with a second factor: seed 000 with `ticket`, `methods` and `ticketExpiresAt`, to finish at `POST /api/user/session/second-factor`; seed 002 has no second step. Nothing was changed.",
  },
  SECOND_FACTOR_INVALID: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "A wrong second factor: a TOTP code that is not the current one (one 30-second step of drift is allowed) or was used already, an unknown or spent recovery code, or a passkey assertion that does not verify. At a log-in's second step the answer carries `triesLeft`. Wrong codes count against the account's second-factor limit (codes a logged-in session gives as proof: against that session's own). Nothing was changed.",
  },
  TICKET_INVALID: {
    httpStatus: 401,
    trpcCode: "UNAUTHORIZED",
    when: "`session.completeSecondFactor` (or seed 000's `/session/second-factor`) with a ticket that is unknown, used, past its 5 minutes, or out of tries (5 wrong codes). Log in with the password again.",
  },
  REAUTHENTICATION_REQUIRED: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "A sensitive change (second factors, removing a passkey, logging out another of one's sessions; an admin granting the `admin` flag, deleting an account or resetting someone's two-step verification) without the password or a second-factor code in the request, more than 10 minutes after the session last proved who its user is; adding a passkey without either, however recent the proof. Give `password` or `code`. Nothing was changed.",
  },
  TOTP_ALREADY_ENABLED: {
    httpStatus: 409,
    trpcCode: "CONFLICT",
    when: "`user.startTotp` when an authenticator app is already set up: turn it off first. Nothing was changed.",
  },
  TOTP_NOT_ENABLED: {
    httpStatus: 409,
    trpcCode: "CONFLICT",
    when: "`user.confirmTotp` with no enrolment started (or one older than 10 minutes), or `user.disableTotp` and `user.regenerateRecoveryCodes` with no authenticator app set up. Nothing was changed.",
  },
  PASSKEY_REJECTED: {
    httpStatus: 400,
    trpcCode: "BAD_REQUEST",
    when: "`user.addPasskey` with a registration that does not verify (another origin or challenge, no user verification, a credential already registered) or after its options lapsed (5 minutes). Nothing was stored.",
  },
  PASSKEY_NOT_FOUND: {
    httpStatus: 404,
    trpcCode: "NOT_FOUND",
    when: "`user.renamePasskey` or `user.removePasskey` with an id that is not one of the caller's passkeys.",
  },
  SESSION_INVALID: {
    httpStatus: 401,
    trpcCode: "UNAUTHORIZED",
    when: "No session token, or an unknown, revoked or expired one (an expired session is deleted). The session cookie is cleared.",
  },
  WRONG_PASSWORD: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "A wrong current password given by a logged-in session: `user.update` (password or address change), `user.delete`, `user.startTotp`, or as the proof of a sensitive change (`password` on `session.revoke`, `session.revokeOthers`, the passkey procedures, `admin.setFlags` granting admin, `admin.deleteUser`, `admin.resetSecondFactors`); wrong guesses count against the session's own limit (10 a day), not the log-in's. Also `user.update` whose password was changed by a reset or another session while it ran, and `user.verify` with a `password` that is not the one the new account was registered with (another registration's link: register again; 5 wrong ones per link a day). Nothing was changed.",
  },
  EMAIL_TAKEN: {
    httpStatus: 409,
    trpcCode: "CONFLICT",
    when: "Opening the link that confirms a new address after that address was taken by another account meanwhile, or a take-back link after someone took the old address. `user.update` never answers it: a new address that has an account gets the same answer as a free one (its owner a notice instead of a link). Nothing was changed.",
  },
  NOT_PERMITTED: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "The caller's role may not do this, or not to this user (see [permissions.md](permissions.md)). Nothing was changed.",
  },
  SELF_REPORT_SPAMMER: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "`admin.setFlags` touching the caller's own `reportSpammer`: nobody, admins included, may ever change it.",
  },
  SELF_DELETE: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: '`admin.deleteUser` on the caller\'s own account. Nothing was changed: people delete their own account with `user.delete` ("Delete account" on the account page), which asks for their password.',
  },
  SELF_SECOND_FACTORS_RESET: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "`admin.resetSecondFactors` on the caller's own account. Nothing was changed: people turn off their own authenticator app or remove their passkeys on the account page, which asks for their password and a code.",
  },
  LAST_ADMIN: {
    httpStatus: 409,
    trpcCode: "CONFLICT",
    when: "The change would leave no admin (removing the flag or deleting the account of the last admin).",
  },
  USER_NOT_FOUND: {
    httpStatus: 404,
    trpcCode: "NOT_FOUND",
    when: "No user has this id.",
  },
  SESSION_NOT_FOUND: {
    httpStatus: 404,
    trpcCode: "NOT_FOUND",
    when: "`session.revoke` with an id that is not one of the caller's sessions (another user's session id answers the same).",
  },
  TEACHER_TOKEN_NOT_FOUND: {
    httpStatus: 404,
    trpcCode: "NOT_FOUND",
    when: "`admin.revokeTeacherToken` with an id that does not exist.",
  },
  RATE_LIMITED: {
    httpStatus: 429,
    trpcCode: "TOO_MANY_REQUESTS",
    when: "Too many attempts; wait `retryAfterSeconds`. Log-in passwords (`session.create`) from a client the account does not know: 10 failures per address and client and 100 per client per 15 minutes, and 100 per address per 24 hours from all such clients together; from a browser that has logged in to the account before (its device cookie): 10 failures per 15 minutes and 30 a day of its own, whatever others did. A refused attempt checks no password. Current passwords and codes a logged-in session gives (changes, proofs, `user.confirmTotp`): 10 wrong ones a day per session. `user.verify` with a `password`: 5 wrong ones per link a day. `user.register`, `user.resendVerification` and `user.requestPasswordReset`: 5 per email and 20 per client address per hour (each its own counters; a registration refused for its password or teacher token spends only the client's). Past the per-email limit, `user.resendVerification` and `user.requestPasswordReset` still answer `{ok: true}` and send nothing (their answer never depends on the address); only the per-client limit answers `RATE_LIMITED`. Address changes (`user.update` with `email`): 5 per user per hour and 5 per new address a day, given back when the password is wrong. Second-factor codes at a log-in's second step (TOTP or recovery): 10 wrong ones per account per 15 minutes across all its tickets; from a browser that finished the account's second step before, 10 per 15 minutes and 30 a day of its own, and 100 a day across all such browsers of the account. Passkey log-ins started (`session.passkeyOptions`): 300 per client address per 15 minutes. See [security.md](security.md).",
  },
  CROSS_SITE_REQUEST: {
    httpStatus: 403,
    trpcCode: "FORBIDDEN",
    when: "A mutation whose `Origin` (or `Sec-Fetch-Site`) says it was sent by another site's page (CSRF protection): an `Origin` with another scheme than `APP_URL` (`http://` against `https://`), or another host or port than `APP_URL`'s and the request's own. Requests without `Origin`, such as curl or server-to-server calls, are served.",
  },
  NOT_FOUND: {
    httpStatus: 404,
    trpcCode: "NOT_FOUND",
    when: "No such procedure.",
  },
  METHOD_NOT_SUPPORTED: {
    httpStatus: 405,
    trpcCode: "METHOD_NOT_SUPPORTED",
    when: "A query sent with POST or a mutation with GET.",
  },
  PAYLOAD_TOO_LARGE: {
    httpStatus: 413,
    trpcCode: "PAYLOAD_TOO_LARGE",
    when: "The request body is too large (the seed APIs accept up to 64 KiB).",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    httpStatus: 415,
    trpcCode: "UNSUPPORTED_MEDIA_TYPE",
    when: "A request whose body is not sent as `application/json` (tRPC mutations, seed API requests); multipart forms and octet streams are refused before any call runs.",
  },
  BATCH_TOO_LARGE: {
    httpStatus: 400,
    trpcCode: "BAD_REQUEST",
    when: "A tRPC batch with more than 10 calls, or with more than one call that checks or sets a password (`session.create`, `user.register`, `user.delete`, `user.resetPassword`, `user.startTotp`, `user.regenerateRecoveryCodes`, `user.disableTotp`, and any call whose input carries `password` or `currentPassword`, such as `user.update` changing the password or the email address). Refused before any call runs: every call of the batch answers this.",
  },
  SERVICE_UNAVAILABLE: {
    httpStatus: 503,
    trpcCode: "SERVICE_UNAVAILABLE",
    when: "The database could not be reached or dropped the connection. Nothing was half-written; retry in a moment.",
  },
  OVERLOADED: {
    httpStatus: 503,
    trpcCode: "SERVICE_UNAVAILABLE",
    when: "The server is checking as many passwords as it may queue (8 waiting per core besides those running): the call was refused at once, nothing was checked or counted. Retry after `retryAfterSeconds` (also the `Retry-After` header).",
  },
  INTERNAL_ERROR: {
    httpStatus: 500,
    trpcCode: "INTERNAL_SERVER_ERROR",
    when: "An unexpected failure. It is logged on the server; the answer holds no details.",
  },
} as const satisfies Record<string, AppCodeEntry>;

export type AppCode = keyof typeof APP_ERRORS;

/** Every appCode, in the order of docs/errors.md. */
export const APP_CODES = Object.keys(APP_ERRORS) as [AppCode, ...AppCode[]];
