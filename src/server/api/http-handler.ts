// Serves the tRPC API over HTTP (fetch Request → Response). The Next route
// handler and the HTTP tests both call this.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { recordApiTime } from "../http/runtime-metrics";
import type { Services } from "../services/context";
import { appRouter } from "./root";
import { createContextInner } from "./trpc";
import { assertCallLimits } from "./call-limits";
import { TRPCAppError, toTRPCAppError } from "./trpc-app-error";

export async function handleTrpcRequest(req: Request, services: Services): Promise<Response> {
  const started = performance.now();
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async ({ resHeaders, info }) => {
      // Thrown here, an AppError would reach tRPC without its status.
      await assertCallLimits(req, info).catch((error: unknown) => {
        throw toTRPCAppError(error, "tRPC request");
      });
      return createContextInner({ services, headers: req.headers, resHeaders });
    },
    responseMeta({ errors }) {
      const retry = errors.find((e) => e instanceof TRPCAppError && e.details.retryAfterSeconds);
      const headers: Record<string, string> = { "cache-control": "no-store" };
      if (retry instanceof TRPCAppError) headers["retry-after"] = String(retry.details.retryAfterSeconds);
      return { headers };
    },
  });
  const ms = performance.now() - started;
  // The server's time is for its operators (/api/metrics, the benchmarks):
  // in a response it would tell anyone which branch a request took.
  recordApiTime(ms);
  if (services.config.NODE_ENV !== "production") response.headers.set("server-timing", `app;dur=${ms.toFixed(2)}`);
  return response;
}
