// The operators' two endpoints, answered by the edge itself so that neither
// needs Next.js: GET /api/health, a liveness probe (static JSON, and the
// benchmarks' bare route), and GET /api/metrics, the runtime figures, only
// with METRICS_TOKEN set and only for a caller presenting it (anyone else is
// told it does not exist). ?reset=1 starts a new measurement window.
import { createHash, timingSafeEqual } from "node:crypto";
import type { JsonApi } from "./edge";
import { errorAnswer, jsonAnswer } from "./json-answer";
import { readRuntimeMetrics } from "./runtime-metrics";

const HEALTH_PATH = "/api/health";
const METRICS_PATH = "/api/metrics";

/**
 * Whether `authorization` presents the metrics token, compared in constant
 * time as SHA-256 digests: equal lengths whatever was sent, so neither the
 * comparison nor its time tells the token's length (comparing the texts
 * themselves threw on a same-length text of other bytes: a 500).
 */
function presentsToken(authorization: string | null, token: string | undefined): boolean {
  const given = authorization?.replace(/^Bearer\s+/i, "") ?? "";
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return !!token && timingSafeEqual(digest(given), digest(token));
}

/** GET /api/metrics's answer for a request. */
export function metricsAnswer(request: Request, token: string | undefined): Response {
  if (!presentsToken(request.headers.get("authorization"), token)) return jsonAnswer(404, { error: "NOT_FOUND" });
  return jsonAnswer(200, readRuntimeMetrics(new URL(request.url).searchParams.get("reset") === "1"));
}

export function operatorApi(metricsToken: string | undefined): JsonApi {
  return {
    owns: (pathname) => pathname === HEALTH_PATH || pathname === METRICS_PATH,
    methodsAt: () => ["GET"],
    handle: async (request) =>
      new URL(request.url).pathname === HEALTH_PATH ? jsonAnswer(200, { ok: true }) : metricsAnswer(request, metricsToken),
    errorAnswer: (error) => errorAnswer(error, { error: error.appCode, message: error.message }),
  };
}
