// Turns any failure into an AppError, for every API surface (tRPC and the
// seeds' HTTP routes), so they answer the same code for the same cause; the
// status each surface answers is the appCode's, from the error table.
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { APP_ERRORS, type AppCode } from "@/shared/app-codes";
import { AppError } from "./app-error";
import { isDatabaseUnavailable, isUnstorableText } from "./db/errors";
import { logger } from "./logger";

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

export const INTERNAL_MESSAGE = "Something went wrong on our side. Please try again.";

/** An input that failed its Zod schema, as VALIDATION_FAILED naming each field. */
export function validationError(error: ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "input";
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const message = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages[0]}`)
    .join("; ");
  return new AppError("VALIDATION_FAILED", message, { fieldErrors });
}

const serviceUnavailable = () =>
  new AppError("SERVICE_UNAVAILABLE", "The service is briefly unavailable. Please try again in a moment.");

/** Maps a failure to the AppError a client sees; unexpected ones are logged. */
export function toAppError(error: unknown, where: string): AppError {
  if (error instanceof AppError) return error;
  const cause = error instanceof TRPCError ? (error.cause ?? error) : error;
  if (cause instanceof AppError) return cause;
  if (cause instanceof ZodError) return validationError(cause);
  // Refused at the edge already; kept for text the database refuses otherwise.
  if (isUnstorableText(cause)) {
    return new AppError("VALIDATION_FAILED", "This text cannot be stored.", {
      fieldErrors: { input: ["contains a character that cannot be stored"] },
    });
  }
  if (isDatabaseUnavailable(cause)) {
    logger.warn({ err: cause }, `${where}: database unavailable`);
    return serviceUnavailable();
  }
  const appCode = error instanceof TRPCError ? defaultAppCode(error.code) : "INTERNAL_ERROR";
  if (appCode !== "INTERNAL_ERROR") return new AppError(appCode, (error as TRPCError).message);
  logger.error({ err: cause }, `${where} failed`);
  return new AppError("INTERNAL_ERROR", INTERNAL_MESSAGE);
}

/** The HTTP status of an error's answer: its appCode's, from the error table. */
export function httpStatusOf(error: AppError): number {
  return APP_ERRORS[error.appCode].httpStatus;
}
