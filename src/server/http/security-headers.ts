// Headers every response carries. The Content-Security-Policy allows only our
// own origin; Next.js bootstraps pages with inline scripts, so script-src
// needs 'unsafe-inline' (a nonce-based policy would make every page dynamic).
export function securityHeaders(appUrl: string): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers: Record<string, string> = {
    "content-security-policy": csp,
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
  };
  if (appUrl.startsWith("https:")) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}
