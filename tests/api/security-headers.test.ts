import { describe, expect, it } from "vitest";
import { securityHeaders } from "@/server/http/security-headers";

describe("security headers", () => {
  it("forbid framing and foreign sources; no HSTS over http", () => {
    const h = securityHeaders("http://localhost:3000");
    expect(h["content-security-policy"]).toMatch(/frame-ancestors 'none'/);
    expect(h["content-security-policy"]).toMatch(/object-src 'none'/);
    expect(h["strict-transport-security"]).toBeUndefined();
  });

  it("add HSTS when the app is served over https", () => {
    expect(securityHeaders("https://accounts.school.example")["strict-transport-security"]).toMatch(/max-age=\d+/);
  });
});
