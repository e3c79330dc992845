// GET /api/metrics with METRICS_TOKEN set: only a caller presenting the token
// gets the figures; ?reset=1 starts a new window. (Unset: e2e/hardening.spec.ts.)
import { describe, expect, it } from "vitest";
import { metricsAnswer } from "@/server/http/operator-api";
import { createTestApp } from "../support/test-app";

const TOKEN = "metrics-token-for-the-tests-0123456789abcdef";

function get(authorization?: string, query = "") {
  return metricsAnswer(
    new Request(`http://localhost:3000/api/metrics${query}`, { headers: authorization ? { authorization } : {} }),
    TOKEN,
  );
}

const busyFor = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("/api/metrics", () => {
  it("does not exist for a caller without the token, or with a wrong one", async () => {
    const wrong = [undefined, "Bearer ", `Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}x`, TOKEN.toUpperCase()];
    // As many characters as the token, but more bytes: a length check on characters once let this throw (a 500 telling the length).
    wrong.push(`Bearer ${"\u00e9".repeat(TOKEN.length)}`);
    for (const authorization of wrong) {
      const res = await get(authorization);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "NOT_FOUND" });
    }
  });

  it("gives the token's holder event-loop delay and memory, and ?reset=1 starts a new window", async () => {
    await get(`Bearer ${TOKEN}`, "?reset=1"); // starts the monitor
    await new Promise((resolve) => setTimeout(resolve, 50));
    busyFor(120); // the event loop is blocked for 120 ms
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await get(`Bearer ${TOKEN}`, "?reset=1");
    expect(res.status).toBe(200);
    const before = await res.json();
    expect(before.eventLoopDelayMs.max).toBeGreaterThanOrEqual(100);
    expect(before.peakRssBytes).toBeGreaterThanOrEqual(before.rssBytes);
    expect(before.rssBytes).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await (await get(`bearer ${TOKEN}`)).json();
    expect(after.eventLoopDelayMs.max).toBeLessThan(100);
  });

  it("counts the server time of tRPC requests (the benchmarks read it there: production sends no Server-Timing)", async () => {
    const app = await createTestApp();
    try {
      await get(`Bearer ${TOKEN}`, "?reset=1");
      for (let i = 0; i < 3; i++) await fetch(`${await app.httpUrl()}/api/trpc/session.validate`);
      const { apiTimeMs } = await (await get(`Bearer ${TOKEN}`)).json();
      expect(apiTimeMs.count).toBe(3);
      expect(apiTimeMs.p50).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
