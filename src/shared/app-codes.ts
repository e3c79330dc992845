// Stable application error codes, sent in error.data.appCode (tRPC) and
// error.code (HTTP APIs). Every one is described in docs/errors.md.
export const APP_CODES = [
  "VALIDATION_FAILED",
  "TEACHER_TOKEN_INVALID",
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "INVALID_CREDENTIALS",
  "EMAIL_NOT_VERIFIED",
  "SESSION_INVALID",
  "WRONG_PASSWORD",
  "EMAIL_TAKEN",
  "NOT_PERMITTED",
  "SELF_REPORT_SPAMMER",
  "SELF_DELETE",
  "LAST_ADMIN",
  "USER_NOT_FOUND",
  "SESSION_NOT_FOUND",
  "TEACHER_TOKEN_NOT_FOUND",
  "RATE_LIMITED",
  "CROSS_SITE_REQUEST",
  "NOT_FOUND",
  "METHOD_NOT_SUPPORTED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "SERVICE_UNAVAILABLE",
  "INTERNAL_ERROR",
] as const;

export type AppCode = (typeof APP_CODES)[number];
