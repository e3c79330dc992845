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
