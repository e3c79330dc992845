// Every refusal the service makes is an AppError: a tRPC code plus our stable
// appCode. The tRPC error formatter copies appCode (and details) into error.data.
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { AppCode } from "@/shared/app-codes";

export type AppErrorDetails = {
  /** Field name → messages, for VALIDATION_FAILED. */
  fieldErrors?: Record<string, string[]>;
  /** Seconds until a retry may succeed, for RATE_LIMITED. */
  retryAfterSeconds?: number;
};

export class AppError extends TRPCError {
  readonly appCode: AppCode;
  readonly details: AppErrorDetails;

  constructor(code: TRPC_ERROR_CODE_KEY, appCode: AppCode, message: string, details: AppErrorDetails = {}) {
    super({ code, message });
    this.appCode = appCode;
    this.details = details;
  }
}

export function validationFailed(field: string, message: string): AppError {
  return new AppError("BAD_REQUEST", "VALIDATION_FAILED", `${field}: ${message}`, {
    fieldErrors: { [field]: [message] },
  });
}

export const sessionInvalid = () =>
  new AppError("UNAUTHORIZED", "SESSION_INVALID", "You are not logged in, or your session has ended.");
