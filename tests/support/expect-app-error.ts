import type { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { TRPCAppError } from "@/server/api/trpc-app-error";
import { AppError } from "@/server/app-error";
import { APP_ERRORS, type AppCode } from "@/shared/app-codes";

/**
 * Awaits a call that must fail with this tRPC code and appCode; returns the
 * AppError. A tRPC call fails with a TRPCAppError of that code; a service
 * called directly throws the AppError, whose appCode the error table gives
 * that tRPC code.
 */
export async function expectAppError(call: Promise<unknown>, code: TRPCError["code"], appCode: AppCode): Promise<AppError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected ${code}/${appCode}, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  if (error instanceof AppError) {
    expect({ code: APP_ERRORS[error.appCode].trpcCode, appCode: error.appCode }).toEqual({ code, appCode });
    return error;
  }
  expect(error).toBeInstanceOf(TRPCAppError);
  expect({ code: (error as TRPCAppError).code, appCode: (error as TRPCAppError).appCode }).toEqual({ code, appCode });
  return (error as TRPCAppError).cause;
}
