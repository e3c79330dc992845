// Every refusal the services make is an AppError: one of our stable appCodes,
// a message for people and optional details. It knows no transport: the
// appCode's HTTP status and tRPC code come from the table in
// src/shared/app-codes.ts, read by the tRPC adapter (api/trpc-app-error.ts)
// and the HTTP routes (http/json-routes.ts); to-app-error.ts beside this file
// turns any other failure into an AppError for all of them.
import type { AppCode } from "@/shared/app-codes";

export type AppErrorDetails = {
  /** Field name → messages, for VALIDATION_FAILED. */
  fieldErrors?: Record<string, string[]>;
  /** Seconds until a retry may succeed, for RATE_LIMITED and OVERLOADED (also the Retry-After header). */
  retryAfterSeconds?: number;
  /** Wrong codes a second-factor ticket still admits, for SECOND_FACTOR_INVALID at a log-in. */
  triesLeft?: number;
  /** The seed 000 API's second step, for SECOND_FACTOR_REQUIRED at its log-in. */
  ticket?: string;
  methods?: string[];
  ticketExpiresAt?: string;
};

export class AppError extends Error {
  override readonly name = "AppError";
  readonly appCode: AppCode;
  readonly details: AppErrorDetails;

  constructor(appCode: AppCode, message: string, details: AppErrorDetails = {}) {
    super(message);
    this.appCode = appCode;
    this.details = details;
  }
}

export function validationFailed(field: string, message: string): AppError {
  return new AppError("VALIDATION_FAILED", `${field}: ${message}`, { fieldErrors: { [field]: [message] } });
}

export const sessionInvalid = () => new AppError("SESSION_INVALID", "You are not logged in, or your session has ended.");
