import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import type { AppError } from "@/server/app-error";
import { TRPCAppError } from "@/server/api/trpc-app-error";
import type { AppCode } from "@/shared/app-codes";

/** Awaits a call that must fail with this tRPC code and appCode; returns the AppError behind it. */
export async function expectAppError(call: Promise<unknown>, code: TRPCError["code"], appCode: AppCode): Promise<AppError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected ${code}/${appCode}, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCAppError);
  expect({ code: (error as TRPCError).code, appCode: (error as TRPCAppError).appCode }).toEqual({ code, appCode });
  return (error as TRPCAppError).cause;
}
