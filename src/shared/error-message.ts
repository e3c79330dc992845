// Reads our appCode and messages out of a tRPC client error, for the pages.
import type { AppCode } from "./app-codes";

type ClientError = { message: string; data?: { appCode?: AppCode; fieldErrors?: Record<string, string[]> } | null };

export function appCodeOf(error: unknown): AppCode | undefined {
  return (error as ClientError | null)?.data?.appCode;
}

export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  return (error as ClientError | null)?.data?.fieldErrors ?? {};
}

/** The server's field errors as field → first message, the shape the forms show. */
export function firstFieldErrors(error: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(fieldErrorsOf(error)).map(([field, messages]) => [field, messages[0] ?? ""]));
}

export function messageOf(error: unknown): string {
  if (!error) return "";
  const e = error as ClientError;
  if (!e.data?.appCode) return "We could not reach the server. Check your connection and try again.";
  return e.message;
}

/** Zod issues as field → first message, for client-side checks with the shared schemas. */
export function zodFieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = String(issue.path[0] ?? "input");
    out[key] ??= issue.message;
  }
  return out;
}
