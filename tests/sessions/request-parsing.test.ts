// The grammar of what a request carries: the session cookie (set and cleared
// with the same attributes), the Authorization header, the forwarded client
// address. Each case is a way an anchor or an attribute could be lost.
import { describe, expect, it } from "vitest";
import { DEFAULT_TRUSTED_PROXIES, proxyPeers } from "@/server/auth/proxy-peers";
import { assertSameSite, clientIp, PEER_ADDRESS_HEADER, requestMeta } from "@/server/auth/request-origin";
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
    // Shaped like an address, but none: the proxy's peer.
    for (const junk of ["999.0.0.1", ":::", "1.2.3", "::g"]) expect(clientIp(headers(junk), 1), junk).toBe("10.0.0.5");
  });

  // Some proxies append the client's port: counted with it, every connection
  // (a fresh source port) would bring fresh per-client budgets.
  it("drops the port a proxy writes after the address", () => {
    expect(clientIp(headers("203.0.113.9:41234"), 1)).toBe("203.0.113.9");
    expect(clientIp(headers("[2001:db8::1]:443"), 1)).toBe("2001:db8::1");
    expect(clientIp(headers("[2001:db8::1]"), 1)).toBe("2001:db8::1");
    expect(clientIp(headers("[::ffff:203.0.113.9]:80"), 1)).toBe("203.0.113.9");
    for (const junk of ["203.0.113.9:", "203.0.113.9:99999", "[2001:db8::1]:x", "[203.0.113.9]:80", "2001:db8::1:443:"]) {
      expect(clientIp(headers(junk), 1), junk).toBe("10.0.0.5");
    }
  });

  it("counts the trusted proxies from the right, ignoring empty entries and spaces, never past the left end", () => {
    const chain = "198.51.100.1, 203.0.113.9 ,,192.0.2.7";
    expect(clientIp(headers(chain), 1)).toBe("192.0.2.7");
    expect(clientIp(headers(chain), 2)).toBe("203.0.113.9");
    expect(clientIp(headers(chain), 3)).toBe("198.51.100.1");
    expect(clientIp(headers(chain), 10)).toBe("198.51.100.1");
    expect(clientIp(headers("203.0.113.9,,"), 1)).toBe("203.0.113.9");
    expect(clientIp(headers(null), 1)).toBe("10.0.0.5");
    expect(clientIp(headers(null, "::ffff:10.0.0.5"), 1)).toBe("10.0.0.5");
  });

  // The app listens on 0.0.0.0: a client that reaches it directly, not through
  // the proxy, must not name its own address (a fresh budget per request).
  it("reads X-Forwarded-For only from a peer among the trusted proxies: by default loopback and private networks", () => {
    for (const proxy of [
      "127.0.0.1",
      "::1",
      "10.1.2.3",
      "172.31.0.9",
      "192.168.1.2",
      "::ffff:192.168.1.2",
      "100.64.0.7",
      "fd12::1",
      "fe80::1",
    ]) {
      expect(clientIp(headers("198.51.100.1", proxy), 1), proxy).toBe("198.51.100.1");
    }
    for (const direct of ["203.0.113.5", "::ffff:203.0.113.5", "2001:db8::5", "172.32.0.1", "11.0.0.1"]) {
      expect(clientIp(headers("198.51.100.1", direct), 1), direct).toBe(direct);
    }
    const own = proxyPeers("203.0.113.0/24, 2001:db8::7");
    expect(clientIp(headers("198.51.100.1", "203.0.113.5"), 1, own)).toBe("198.51.100.1");
    expect(clientIp(headers("198.51.100.1", "2001:db8::7"), 1, own)).toBe("198.51.100.1");
    expect(clientIp(headers("198.51.100.1", "2001:db8::8"), 1, own)).toBe("2001:db8::8");
    expect(clientIp(headers("198.51.100.1", "10.0.0.5"), 1, own)).toBe("10.0.0.5");
  });

  it("TRUSTED_PROXIES takes addresses and CIDR ranges only", () => {
    for (const bad of ["proxy.example", "10.0.0.0/33", "::/129", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/"]) {
      expect(() => proxyPeers(bad), bad).toThrow(`"${bad}" is not an address or a CIDR range`);
    }
    expect(() => proxyPeers(" 10.0.0.0/8 ,, ::1 ")).not.toThrow();
  });

  it("without trusted proxies it is the recorded peer address, whatever X-Forwarded-For says", () => {
    expect(clientIp(headers("203.0.113.9"), 0)).toBe("10.0.0.5");
    expect(clientIp(headers("203.0.113.9", "::ffff:10.0.0.5"), 0)).toBe("::ffff:10.0.0.5");
  });

  it("accepts 2 to 45 address characters and drops only a leading ::ffff: prefix", () => {
    const longest = "0000:0000:0000:0000:0000:ffff:255.255.255.255";
    expect(longest).toHaveLength(45);
    expect(clientIp(headers(longest), 1)).toBe(longest);
    expect(clientIp(headers("::"), 1)).toBe("::");
    expect(clientIp(headers("2001:db8::ffff:1"), 1)).toBe("2001:db8::ffff:1");
  });

  it("is null without a recorded peer address, whatever the client sends", () => {
    const h = new Headers({ "x-forwarded-for": "203.0.113.9" });
    expect(clientIp(h, 0)).toBeNull();
    expect(clientIp(h, 1)).toBeNull();
  });
});

describe("the same-site rule for mutations", () => {
  const refused = (h: Record<string, string>, appUrl = HTTPS) => {
    try {
      assertSameSite(new Headers(h), appUrl);
      return false;
    } catch (error) {
      expect(error).toMatchObject({ appCode: "CROSS_SITE_REQUEST", message: "This request came from another site and was refused." });
      return true;
    }
  };

  it("lets through requests without Origin (curl, servers) unless Sec-Fetch-Site says cross-site", () => {
    expect(refused({})).toBe(false);
    expect(refused({ "sec-fetch-site": "same-origin" })).toBe(false);
    expect(refused({ "sec-fetch-site": "none" })).toBe(false);
    expect(refused({ "sec-fetch-site": "cross-site" })).toBe(true);
    expect(refused({ "sec-fetch-site": "cross-site", origin: HTTPS })).toBe(true);
  });

  it("refuses an opaque or unparsable Origin", () => {
    expect(refused({ origin: "null" })).toBe(true);
    expect(refused({ origin: "not a url" })).toBe(true);
    expect(refused({ origin: "https://" })).toBe(true);
  });

  it("takes APP_URL's origin, or the host the request was sent to, with APP_URL's scheme only", () => {
    expect(refused({ origin: HTTPS })).toBe(false);
    expect(refused({ origin: "https://ACCOUNTS.school.example:443" })).toBe(false);
    expect(refused({ origin: "https://evil.example" })).toBe(true);
    expect(refused({ origin: "http://accounts.school.example" })).toBe(true);
    // Served under another name too (the request's Host), spelt as URL.host spells it.
    expect(refused({ origin: "https://alias.school.example", host: "alias.school.example" })).toBe(false);
    expect(refused({ origin: "https://alias.school.example", host: "Alias.School.Example:443" })).toBe(false);
    expect(refused({ origin: "https://alias.school.example", host: "alias.school.example:8443" })).toBe(true);
    expect(refused({ origin: "https://alias.school.example", host: "other.school.example" })).toBe(true);
    expect(refused({ origin: "http://alias.school.example", host: "alias.school.example" })).toBe(true);
    // APP_URL's own origin stays same-site whatever Host says; a malformed Host names nothing.
    expect(refused({ origin: HTTPS, host: "other.school.example" })).toBe(false);
    expect(refused({ origin: "https://alias.school.example", host: "bad host" })).toBe(true);
    // Without a Host header no host is the request's, not even one called "null".
    expect(refused({ origin: "https://null" })).toBe(true);
    expect(refused({ origin: "http://localhost:3000", host: "localhost:3000" }, HTTP)).toBe(false);
    expect(refused({ origin: "http://localhost:3001", host: "localhost:3000" }, HTTP)).toBe(true);
  });
});

describe("what the services record of a request", () => {
  it("is the client address, the User-Agent and the device cookie of the app's scheme", () => {
    const headers = new Headers({
      [PEER_ADDRESS_HEADER]: "10.0.0.5",
      "x-forwarded-for": "203.0.113.9",
      "user-agent": "Agent/1",
      cookie: "device=d1; __Host-device=d2",
    });
    expect(requestMeta(headers, { TRUST_PROXY: 1, TRUSTED_PROXIES: DEFAULT_TRUSTED_PROXIES, APP_URL: HTTP })).toEqual({
      ip: "203.0.113.9",
      userAgent: "Agent/1",
      deviceCookie: "d1",
    });
    expect(requestMeta(headers, { TRUST_PROXY: 0, TRUSTED_PROXIES: DEFAULT_TRUSTED_PROXIES, APP_URL: HTTPS })).toEqual({
      ip: "10.0.0.5",
      userAgent: "Agent/1",
      deviceCookie: "d2",
    });
    expect(requestMeta(new Headers(), { TRUST_PROXY: 0, TRUSTED_PROXIES: DEFAULT_TRUSTED_PROXIES, APP_URL: HTTP })).toEqual({
      ip: null,
      userAgent: null,
      deviceCookie: null,
    });
  });
});
