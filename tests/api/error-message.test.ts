// The pages' error helpers read what the tRPC client really receives.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "@/server/api/root";
import { appCodeOf, fieldErrorsOf, firstFieldErrors, messageOf } from "@/shared/error-message";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;
beforeAll(async () => {
  app = await createTestApp();
  client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${await app.httpUrl()}/api/trpc` })] });
});
afterAll(() => app.close());

async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded");
}

describe("error helpers of the pages", () => {
  it("field errors: every message per field, and the first one for the form", async () => {
    const error = await failure(() => client.user.register.mutate({ email: "not an address", password: "short", name: "" }));
    expect(appCodeOf(error)).toBe("VALIDATION_FAILED");
    expect(Object.keys(fieldErrorsOf(error)).sort()).toEqual(["email", "name", "password"]);
    const first = firstFieldErrors(error);
    expect(Object.keys(first).sort()).toEqual(["email", "name", "password"]);
    for (const [field, messages] of Object.entries(fieldErrorsOf(error))) expect(first[field]).toBe(messages[0]);
    expect(first.email).toMatch(/email/i);
  });

  it("an error without fields gives none, and its message as the server wrote it", async () => {
    const error = await failure(() => client.session.create.mutate({ email: "nobody@example.com", password: "a wrong password here" }));
    expect(appCodeOf(error)).toBe("INVALID_CREDENTIALS");
    expect(firstFieldErrors(error)).toEqual({});
    expect(messageOf(error)).toMatch(/^The email address or password is not/);
  });

  it("a server that cannot be reached is said so, not shown as a raw error", async () => {
    const offline = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://127.0.0.1:9/api/trpc" })] });
    const error = await failure(() => offline.session.validate.query());
    expect(appCodeOf(error)).toBeUndefined();
    expect(firstFieldErrors(error)).toEqual({});
    expect(messageOf(error)).toBe("We could not reach the server. Check your connection and try again.");
  });
});
