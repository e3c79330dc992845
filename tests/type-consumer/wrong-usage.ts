// Deliberate mistakes, one a line: each must fail to compile. Were AppRouter's
// types to fall to `any`, every one of them would compile.
import { createTRPCClient, httpBatchLink, type TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../../build/api-types/server/api/root";

const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "http://localhost:3000/api/trpc" })] });

export const wrongInput = client.session.create.mutate({ email: "ada@school.example", password: 12345 });
export const unknownProcedure = client.session.nothing.query();
export const wrongOutput = client.user.get.query().then((me): number => me.name);
export const queryAsMutation = client.user.get.mutate();
export const unknownAppCode = (error: TRPCClientError<AppRouter>) => error.data?.appCode === "NO_SUCH_CODE";
