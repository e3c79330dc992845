// How the JSON APIs answer: a JSON body that no cache keeps, and an error with
// the HTTP status of its appCode (plus Retry-After when it has one). The edge
// and the route tables build every error answer here, so the status of an
// appCode is chosen in one place (httpStatusOf).
import type { AppError } from "../app-error";
import { httpStatusOf } from "../to-app-error";

export function jsonAnswer(status: number, body: unknown, headers = new Headers()): Response {
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers });
}

/** An error as `body` (the API's envelope), with the status of its appCode. */
export function errorAnswer(error: AppError, body: unknown, headers = new Headers()): Response {
  if (error.details.retryAfterSeconds) headers.set("retry-after", String(error.details.retryAfterSeconds));
  return jsonAnswer(httpStatusOf(error), body, headers);
}
