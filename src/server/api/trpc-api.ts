// tRPC over HTTP at /api/trpc, as one of the edge's JSON APIs
// (http/edge.ts): which methods a procedure takes, the tRPC error shape for
// the edge's answers, and the request itself (fetch Request → Response).
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { AppError } from "../app-error";
import type { ApiPlace, JsonApi } from "../http/edge";
import { errorAnswer } from "../http/json-answer";
import { recordApiTime } from "../http/runtime-metrics";
import type { Services } from "../services/service-container";
import { assertCallLimits } from "./call-limits";
import { appRouter } from "./root";
import { createContextInner } from "./trpc";
import { TRPCAppError, toTRPCAppError, trpcToAppError } from "./trpc-app-error";

const ENDPOINT = "/api/trpc";
const METHODS = { query: ["GET"], mutation: ["POST"], subscription: [] } as const;

type ProcedureType = keyof typeof METHODS;

function procedureType(path: string): ProcedureType | undefined {
  // tRPC keeps every procedure by its full path ("session.create").
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: ProcedureType } } | undefined>;
  return Object.hasOwn(procedures, path) ? procedures[path]?._def.type : undefined;
}

/** The procedure paths a URL calls ("a,b" in a batch), or null when they cannot be read. */
function calledPaths(url: URL): string[] | null {
  if (!url.pathname.startsWith(`${ENDPOINT}/`)) return null;
  try {
    const path = decodeURIComponent(url.pathname.slice(ENDPOINT.length + 1));
    return url.searchParams.get("batch") === "1" ? path.split(",") : [path];
  } catch {
    return null; // malformed percent-encoding
  }
}

/**
 * A single call: its procedure's method. A batch: the methods of the
 * procedures it names (tRPC answers each call that does not fit on its own);
 * null when it names none we have.
 */
function methodsAt(url: URL): readonly string[] | null {
  const types = (calledPaths(url) ?? []).map(procedureType).filter((t) => t !== undefined);
  if (!types.length) return null;
  return [...new Set(types.flatMap((t) => METHODS[t]))];
}

/** An error in tRPC's own shape, as tRPC answers a single call (the errorFormatter adds appCode). */
function trpcErrorAnswer(error: AppError, place: ApiPlace): Response {
  const paths = calledPaths(new URL(place.pathname, "http://localhost"));
  const path = paths?.length === 1 && procedureType(paths[0]!) ? paths[0] : undefined;
  const shape = getErrorShape({
    config: appRouter._def._config,
    error: toTRPCAppError(error, "tRPC request"),
    type: "unknown",
    path,
    input: undefined,
    ctx: undefined,
  });
  return errorAnswer(error, { error: shape });
}

const unsupportedMediaType = () => new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with Content-Type: application/json.");

export async function handleTrpcRequest(req: Request, services: Services): Promise<Response> {
  const started = performance.now();
  // tRPC would also parse form data and octet streams (and fail on a broken
  // one with INTERNAL_SERVER_ERROR); no procedure of ours takes them.
  if (req.method === "POST" && !/^application\/json\s*(?:;|$)/i.test(req.headers.get("content-type") ?? "")) {
    return trpcErrorAnswer(unsupportedMediaType(), { method: req.method, pathname: new URL(req.url).pathname });
  }
  const response = await fetchRequestHandler({
    endpoint: ENDPOINT,
    req,
    router: appRouter,
    createContext: async ({ resHeaders, info }) => {
      // Thrown here, an AppError would reach tRPC without its status.
      await assertCallLimits(info).catch((error: unknown) => {
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
  // tRPC's body is JSON even where it leaves the type unset (an error before any call ran).
  response.headers.set("content-type", "application/json");
  if (response.status === 405) {
    // A batch whose every call was sent with the wrong method.
    response.headers.set("allow", (methodsAt(new URL(req.url)) ?? []).flatMap((m) => (m === "GET" ? ["GET", "HEAD"] : [m])).join(", "));
  }
  const ms = performance.now() - started;
  // The server's time is for its operators (/api/metrics, the benchmarks):
  // in a response it would tell anyone which branch a request took.
  recordApiTime(ms);
  if (services.config.NODE_ENV !== "production") response.headers.set("server-timing", `app;dur=${ms.toFixed(2)}`);
  return response;
}

/** tRPC as one of the edge's JSON APIs. */
export function trpcApi(services: Services): JsonApi {
  return {
    owns: (pathname) => pathname === ENDPOINT || pathname.startsWith(`${ENDPOINT}/`),
    methodsAt,
    // A failure that escapes tRPC's own handling is read knowing tRPC's errors.
    handle: (request) =>
      handleTrpcRequest(request, services).catch((error: unknown) => {
        throw trpcToAppError(error, `${request.method} ${new URL(request.url).pathname}`);
      }),
    errorAnswer: trpcErrorAnswer,
  };
}
