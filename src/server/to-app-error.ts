// Turns any failure into an AppError, for every API surface (tRPC and the
// seeds' HTTP routes), so they answer the same code for the same cause; the
// status each surface answers is the appCode's, from the error table. A
// transport's own errors (tRPC's) are read by that transport's adapter
// (api/trpc-app-error.ts), which hands them in as `fromTransport`.
import { ZodError } from "zod";
import { APP_ERRORS, type AppCode } from "@/shared/app-codes";
import { AppError } from "./app-error";
import { isDatabaseUnavailable, isUnstorableText } from "./db/errors";
import { logger } from "./logger";

/** A transport's own error: what caused it, and the appCode its own code maps to. */
export type TransportError = { cause: unknown; appCode: AppCode; message: string };

export const INTERNAL_MESSAGE = "Something went wrong on our side. Please try again.";

/** An input that failed its Zod schema, as VALIDATION_FAILED naming each field. */
export function validationError(error: ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "input";
    fieldErrors[key] = [...(fieldErrors[key] ?? []), issue.message];
  }
  const message = Object.entries(fieldErrors)
    .map(([field, messages]) => `${field}: ${messages[0]}`)
    .join("; ");
  return new AppError("VALIDATION_FAILED", message, { fieldErrors });
}

const serviceUnavailable = () => new AppError("SERVICE_UNAVAILABLE", "The service is briefly unavailable. Please try again in a moment.");

/** Maps a failure to the AppError a client sees; unexpected ones are logged. */
export function toAppError(error: unknown, where: string, fromTransport?: (error: unknown) => TransportError | null): AppError {
  if (error instanceof AppError) return error;
  const own = fromTransport?.(error) ?? null;
  const cause = own ? own.cause : error;
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
  if (own && own.appCode !== "INTERNAL_ERROR") return new AppError(own.appCode, own.message);
  logger.error({ err: cause }, `${where} failed`);
  return new AppError("INTERNAL_ERROR", INTERNAL_MESSAGE);
}

/** The HTTP status of an error's answer: its appCode's, from the error table. */
export function httpStatusOf(error: AppError): number {
  return APP_ERRORS[error.appCode].httpStatus;
}
