// A client of the tRPC API in another project: it knows the API only through
// the declarations of AppRouter (npm run build:api-types).
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../build/api-types/server/api/root";

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;
type AppCode = NonNullable<TRPCClientError<AppRouter>["data"]>["appCode"];

/** true when T is `any`: then the assignments below do not compile. */
type IsAny<T> = 0 extends 1 & T ? true : false;
export const routerIsTyped: IsAny<AppRouter> = false;
export const outputsAreTyped: IsAny<Outputs["user"]["get"]> = false;
export const appCodesAreTyped: IsAny<AppCode> = false;

const client = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "http://localhost:3000/api/trpc" })],
});

/** A log-in, finishing with an authenticator-app code when the account has two-step verification. */
export async function logIn(email: string, password: string, code: () => Promise<string>): Promise<{ userId: string; aal: string }> {
  const result = await client.session.create.mutate({ email, password });
  if ("secondFactor" in result) {
    return client.session.completeSecondFactor.mutate({ ticket: result.secondFactor.ticket, totp: await code() });
  }
  return result;
}

export async function greeting(): Promise<string> {
  const me: Outputs["user"]["get"] = await client.user.get.query();
  return me.pendingEmail ? `${me.name}, confirm ${me.pendingEmail}` : me.name;
}

export async function firstTeachers(query: string): Promise<string[]> {
  const input: Inputs["admin"]["listUsers"] = { query, flags: { teacher: true }, limit: 20 };
  const page = await client.admin.listUsers.query(input);
  return page.items.map((user) => user.email);
}

/** What a client branches on: the appCode, one of a closed set. */
export function mustLogIn(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const code: AppCode | undefined = (error as TRPCClientError<AppRouter>).data?.appCode;
  return code === "SESSION_INVALID" || code === "INVALID_CREDENTIALS";
}
