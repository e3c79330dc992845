// GET /api/health/pages: the pages' readiness probe. Answered by a Next.js
// route handler, so the first call loads Next.js (the entry loads it with the
// first page request): a deployment can call it before sending page traffic
// to a new process. It is also the benchmarks' bare route handler, the
// baseline the JSON APIs are compared with. Liveness is GET /api/health,
// which the entry answers without Next.js.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true });
}
