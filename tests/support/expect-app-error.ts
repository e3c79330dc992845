import { TRPCError } from "@trpc/server";
import { expect } from "vitest";
import { AppError } from "@/server/app-error";
import type { AppCode } from "@/shared/app-codes";

/** Awaits a call that must fail with this tRPC code and appCode; returns the error. */
export async function expectAppError(call: Promise<unknown>, code: TRPCError["code"], appCode: AppCode): Promise<AppError> {
  const error = await call.then(
    (value) => {
      throw new Error(`expected ${code}/${appCode}, got ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect({ code: (error as TRPCError).code, appCode: (error as AppError).appCode }).toEqual({ code, appCode });
  return error as AppError;
}
