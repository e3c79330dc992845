// What one tRPC request may ask for, checked before any of its calls runs
// (in createContext, which tRPC awaits before the first call):
// - at most MAX_CALLS_PER_BATCH calls in a batch;
// - at most one call that runs argon2 (checks or sets a password), so that
//   one request cannot queue dozens of hashes or spend a client's whole
//   failure budget at once.
// (A body that is not JSON is refused before tRPC reads it: http/trpc-api.ts.)
import type { TRPCRequestInfo } from "@trpc/server/http";
import { MAX_CALLS_PER_BATCH } from "@/shared/request-limits";
import { AppError } from "../app-error";

/** Procedures that always run argon2. */
const PASSWORD_PROCEDURES = new Set([
  "session.create",
  "user.register",
  "user.delete",
  "user.resetPassword",
  "user.startTotp",
  "user.regenerateRecoveryCodes",
  "user.disableTotp",
]);
/**
 * Input fields that carry a password to check or set: `password` (a log-in,
 * a re-authentication, a new password) and `currentPassword` (the
 * confirmation of an email change). A call of any procedure whose input
 * carries one counts, so a procedure that gains such a field is counted
 * without being listed here.
 */
const PASSWORD_FIELDS = ["password", "currentPassword"] as const;

async function runsArgon2(call: TRPCRequestInfo["calls"][number]): Promise<boolean> {
  if (PASSWORD_PROCEDURES.has(call.path)) return true;
  const input = (await call.getRawInput().catch(() => null)) as Record<string, unknown> | null;
  return typeof input === "object" && input !== null && PASSWORD_FIELDS.some((field) => input[field] != null);
}

const batchTooLarge = (message: string) => new AppError("BATCH_TOO_LARGE", message);

export async function assertCallLimits(info: TRPCRequestInfo): Promise<void> {
  if (info.calls.length > MAX_CALLS_PER_BATCH) {
    throw batchTooLarge(`A batch may hold at most ${MAX_CALLS_PER_BATCH} calls; this one holds ${info.calls.length}.`);
  }
  let passwordCalls = 0;
  for (const call of info.calls) if (await runsArgon2(call)) passwordCalls++;
  if (passwordCalls > 1) {
    throw batchTooLarge("A batch may hold at most one call that checks or sets a password: send them one at a time.");
  }
}
