// The session cookie: HttpOnly, SameSite=Lax, Path=/; Secure with the
// __Host- prefix when the app is served over https.
import { parse, serialize } from "cookie";

function sessionCookieName(appUrl: string): string {
  return isHttps(appUrl) ? "__Host-session" : "session";
}

export function isHttps(appUrl: string): boolean {
  return appUrl.startsWith("https:");
}

export function setSessionCookie(appUrl: string, token: string, expiresAt: Date): string {
  return serialize(sessionCookieName(appUrl), token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttps(appUrl),
    expires: expiresAt,
  });
}

export function clearSessionCookie(appUrl: string): string {
  return serialize(sessionCookieName(appUrl), "", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: isHttps(appUrl),
    expires: new Date(0),
  });
}

/** The session token of a request: the cookie, else an Authorization: Bearer header. */
export function sessionTokenFrom(headers: Headers, appUrl: string): string | null {
  const cookieHeader = headers.get("cookie");
  if (cookieHeader) {
    const token = parse(cookieHeader)[sessionCookieName(appUrl)];
    if (token) return token;
  }
  const auth = headers.get("authorization");
  const match = auth?.match(/^Bearer\s+(\S+)\s*$/i);
  return match ? match[1]! : null;
}
