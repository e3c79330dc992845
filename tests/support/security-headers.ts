// The security headers every answer carries, pages and APIs alike.
import { expect } from "vitest";
import { securityHeaders } from "@/server/http/security-headers";

/** Expects each security header of an app at `appUrl`, read through `header(name)`. */
export function expectSecurityHeaders(header: (name: string) => string | string[] | null | undefined, appUrl: string): void {
  for (const [name, value] of Object.entries(securityHeaders(appUrl))) expect(header(name), name).toBe(value);
}
