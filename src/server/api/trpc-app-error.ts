// The tRPC adapter's view of an AppError: tRPC's code (and so its HTTP status)
// is the one the error table gives the appCode. The AppError is the cause, and
// its appCode and details stay at hand for the error formatter, responseMeta
// and the callers of createCaller.
import { TRPCError } from "@trpc/server";
import { APP_ERRORS, type AppCode } from "@/shared/app-codes";
import type { AppError, AppErrorDetails } from "../app-error";
import { toAppError } from "../to-app-error";

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
  return error instanceof TRPCAppError ? error : new TRPCAppError(toAppError(error, where));
}
