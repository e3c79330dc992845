// The grammar of what a request carries: the session cookie (set and cleared
// with the same attributes), the Authorization header, the forwarded client
// address. Each case is a way an anchor or an attribute could be lost.
import { describe, expect, it } from "vitest";
import { clientIp, PEER_ADDRESS_HEADER } from "@/server/auth/request-origin";
import { clearSessionCookie, sessionTokenFrom, setSessionCookie } from "@/server/auth/session-cookie";

const HTTP = "http://localhost:3000";
const HTTPS = "https://accounts.school.example";

const attributes = (cookie: string) =>
  cookie
    .split(";")
    .slice(1)
    .map((a) => a.trim())
    .filter((a) => !a.startsWith("Expires="))
    .sort();

describe("the session cookie", () => {
  it("is set and cleared with exactly the same attributes, over http", () => {
    const set = setSessionCookie(HTTP, "tok", new Date(Date.now() + 60_000));
    const cleared = clearSessionCookie(HTTP);
    expect(set).toMatch(/^session=tok;/);
    expect(cleared).toMatch(/^session=;/);
    expect(attributes(set)).toEqual(["HttpOnly", "Path=/", "SameSite=Lax"]);
    expect(attributes(cleared)).toEqual(attributes(set));
    expect(cleared).toContain("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  });

  it("over https it is __Host-session, Secure, Path=/ (browsers reject a __Host- cookie without them), cleared alike", () => {
    const set = setSessionCookie(HTTPS, "tok", new Date(Date.now() + 60_000));
    const cleared = clearSessionCookie(HTTPS);
    expect(set).toMatch(/^__Host-session=tok;/);
    expect(cleared).toMatch(/^__Host-session=;/);
    expect(attributes(set)).toEqual(["HttpOnly", "Path=/", "SameSite=Lax", "Secure"]);
    expect(attributes(cleared)).toEqual(attributes(set));
    expect(set).not.toMatch(/Domain=/i);
  });
});

describe("the session token of a request", () => {
  const from = (h: Record<string, string>, appUrl = HTTP) => sessionTokenFrom(new Headers(h), appUrl);

  it("reads a Bearer header: one token, any case of the scheme, surrounding spaces allowed", () => {
    expect(from({ authorization: "Bearer abc" })).toBe("abc");
    expect(from({ authorization: "bearer abc" })).toBe("abc");
    expect(from({ authorization: "Bearer   abc  " })).toBe("abc");
  });

  it("refuses anything else: another scheme, a prefix, two tokens, no token", () => {
    for (const value of ["xBearer abc", "Basic abc", "Bearer a b", "Bearer", "Bearer ", "abc", "Token Bearer abc"]) {
      expect(from({ authorization: value }), value).toBeNull();
    }
  });

  it("prefers the cookie, but an empty or foreign cookie does not hide a Bearer header", () => {
    expect(from({ cookie: "session=fromcookie", authorization: "Bearer fromheader" })).toBe("fromcookie");
    expect(from({ cookie: "session=", authorization: "Bearer fromheader" })).toBe("fromheader");
    expect(from({ cookie: "other=1", authorization: "Bearer fromheader" })).toBe("fromheader");
    expect(from({ cookie: "session=plain" }, HTTPS)).toBeNull();
    expect(from({ cookie: "__Host-session=secure" }, HTTPS)).toBe("secure");
  });
});

describe("the client address", () => {
  const headers = (xff: string | null, peer = "10.0.0.5") => {
    const h = new Headers({ [PEER_ADDRESS_HEADER]: peer });
    if (xff !== null) h.set("x-forwarded-for", xff);
    return h;
  };

  it("takes only a whole address from X-Forwarded-For: junk around one is the proxy's peer instead", () => {
    for (const junk of ["x203.0.113.9", "203.0.113.9x", "203.0.113.9 evil", "203.0.113.9/24", "a".repeat(46), "1"]) {
      expect(clientIp(headers(junk), 1), junk).toBe("10.0.0.5");
    }
    expect(clientIp(headers("2001:db8::1"), 1)).toBe("2001:db8::1");
    expect(clientIp(headers("::ffff:203.0.113.9"), 1)).toBe("203.0.113.9");
  });

  it("is null without a recorded peer address, whatever the client sends", () => {
    const h = new Headers({ "x-forwarded-for": "203.0.113.9" });
    expect(clientIp(h, 0)).toBeNull();
    expect(clientIp(h, 1)).toBeNull();
  });
});
