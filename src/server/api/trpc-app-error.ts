// The tRPC adapter's view of an AppError: tRPC's code (and so its HTTP status)
// is the one the error table gives the appCode. The AppError is the cause, and
// its appCode and details stay at hand for the error formatter, responseMeta
// and the callers of createCaller.
import { TRPCError } from "@trpc/server";
import { APP_ERRORS, type AppCode } from "@/shared/app-codes";
import type { AppError, AppErrorDetails } from "../app-error";
import { type TransportError, toAppError } from "../to-app-error";

/**
 * The appCode of an error raised by tRPC itself (routing, parsing), by its
 * tRPC code. Each maps to an appCode whose table entry has the same tRPC code
 * and status (a test checks); any other code is ours to have mapped, so 500.
 */
const DEFAULT_APP_CODES: Partial<Record<TRPCError["code"], AppCode>> = {
  BAD_REQUEST: "VALIDATION_FAILED",
  PARSE_ERROR: "VALIDATION_FAILED",
  UNAUTHORIZED: "SESSION_INVALID",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_SUPPORTED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  TOO_MANY_REQUESTS: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/** The appCode for a tRPC error raised outside our code (routing, parsing). */
export function defaultAppCode(code: TRPCError["code"]): AppCode {
  return DEFAULT_APP_CODES[code] ?? "INTERNAL_ERROR";
}

/** A TRPCError as toAppError reads a transport's own error: its cause, and its code's appCode. */
function fromTRPCError(error: unknown): TransportError | null {
  return error instanceof TRPCError ? { cause: error.cause ?? error, appCode: defaultAppCode(error.code), message: error.message } : null;
}

/** toAppError, knowing tRPC's own errors. */
export function trpcToAppError(error: unknown, where: string): AppError {
  return toAppError(error, where, fromTRPCError);
}

export class TRPCAppError extends TRPCError {
  readonly appCode: AppCode;
  readonly details: AppErrorDetails;
  declare readonly cause: AppError;

  constructor(appError: AppError) {
    super({ code: APP_ERRORS[appError.appCode].trpcCode, message: appError.message, cause: appError });
    this.appCode = appError.appCode;
    this.details = appError.details;
  }
}

/** Any failure as tRPC should throw it; unexpected ones are logged (toAppError). */
export function toTRPCAppError(error: unknown, where: string): TRPCAppError {
  return error instanceof TRPCAppError ? error : new TRPCAppError(trpcToAppError(error, where));
}
