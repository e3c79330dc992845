// Runtime metrics (event-loop delay, memory): only with METRICS_TOKEN set,
// only for a caller that presents it. ?reset=1 starts a new measurement window.
import { timingSafeEqual } from "node:crypto";
import { config } from "@/env";
import { readRuntimeMetrics } from "@/server/http/runtime-metrics";

export const dynamic = "force-dynamic";

export function GET(req: Request) {
  const expected = config().METRICS_TOKEN;
  const given = req.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
  const ok = !!expected && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok) return Response.json({ error: "NOT_FOUND" }, { status: 404 });
  return Response.json(readRuntimeMetrics(new URL(req.url).searchParams.get("reset") === "1"));
}
