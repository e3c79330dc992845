// A bare route (static JSON): a liveness probe, and the benchmarks' baseline.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ ok: true });
}
