// HTTP hardening, checked on the production server.
import { expect, test } from "@playwright/test";

test("pages and API answers carry the security headers", async ({ request }) => {
  for (const path of ["/", "/login", "/api/trpc/session.validate", "/api/user", "/api/docs"]) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    expect(h["content-security-policy"], path).toContain("default-src 'self'");
    expect(h["x-content-type-options"], path).toBe("nosniff");
    expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"], path).toBe("DENY");
    expect(h["x-powered-by"], path).toBeUndefined();
  }
});

test("cross-origin mutations are refused", async ({ request }) => {
  const res = await request.post("/api/trpc/user.register", {
    headers: { origin: "https://evil.example", "content-type": "application/json" },
    data: { email: "csrf@school.example", password: "a long enough password", name: "X" },
  });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.data.appCode).toBe("CROSS_SITE_REQUEST");
});

test("the development mailbox is never served in production", async ({ request }) => {
  expect((await request.get("/dev/mailbox")).status()).toBe(404);
});

test("the metrics endpoint does not exist without METRICS_TOKEN", async ({ request }) => {
  expect((await request.get("/api/metrics")).status()).toBe(404);
});
