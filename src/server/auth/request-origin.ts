// Where a request comes from: the client address for limits and session
// records, and whether a mutation was sent by another site (CSRF). Both APIs
// (tRPC and the seeds' routes) read requests through these.

import net from "node:net";
import type { Config } from "@/env";
import { AppError } from "../app-error";
import type { RequestMeta } from "../request-meta";
import { deviceCookieFrom } from "./device-cookie";
import { DEFAULT_TRUSTED_PROXIES, isProxyPeer, proxyPeersOf } from "./proxy-peers";

/** Header our server entry sets from the socket; any client-sent value is overwritten. */
export const PEER_ADDRESS_HEADER = "x-accounts-peer-address";

/**
 * The client address. Without trusted proxies it is the socket address our
 * server recorded. With TRUST_PROXY=n, the n proxies nearest to us each
 * appended the address they saw to X-Forwarded-For, so the client is the n-th
 * entry from the right of (X-Forwarded-For + socket address); anything a
 * client wrote further left is ignored, so it can neither dodge its limits
 * nor push everyone into one bucket. The header is read only when the socket
 * peer is one of the proxies (TRUSTED_PROXIES, proxy-peers.ts): a client that
 * reaches the app directly is its own address, whatever it writes.
 */
export function clientIp(headers: Headers, trustProxy = 0, proxies = proxyPeersOf(DEFAULT_TRUSTED_PROXIES)): string | null {
  const peer = headers.get(PEER_ADDRESS_HEADER) || null;
  if (!trustProxy || !peer || !isProxyPeer(proxies, peer)) return peer;
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const chain = [...forwarded, peer];
  const client = forwardedAddress(chain[Math.max(0, chain.length - 1 - trustProxy)]!);
  return client ? client.replace(/^::ffff:/i, "") : peer;
}

/**
 * The address of one X-Forwarded-For entry: an IPv4 or IPv6 address, or one
 * with the port some proxies append ("203.0.113.9:41234", "[2001:db8::1]:443")
 * without it; counted with its port, every connection would be a new client.
 * Null for anything else.
 */
function forwardedAddress(entry: string): string | null {
  if (net.isIP(entry)) return entry;
  const withPort = /^(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/.exec(entry);
  if (!withPort || (withPort[3] !== undefined && Number(withPort[3]) > 65535)) return null;
  const [, v6, v4] = withPort;
  return (v6 !== undefined && net.isIPv6(v6)) || (v4 !== undefined && net.isIPv4(v4)) ? (v6 ?? v4)! : null;
}

/**
 * A browser request from another site: its Origin (or Sec-Fetch-Site) says so.
 * The Origin must have APP_URL's scheme, and APP_URL's host and port or those
 * the request was sent to (Host): a page served over http:// is not the same
 * site as an https:// APP_URL, whatever its host. Requests without Origin
 * (curl, servers) are not cross-site by this rule.
 */
function isCrossSiteRequest(headers: Headers, appUrl: string): boolean {
  if (headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = headers.get("origin");
  if (!origin) return false;
  // An opaque origin ("null": a sandboxed frame, a file) does not parse: refused below.
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return true;
  }
  const own = new URL(appUrl);
  if (from.protocol !== own.protocol) return true;
  return from.host !== own.host && from.host !== requestHost(headers, own.protocol);
}

/** The Host header as URL.host spells it (lower case, no default port), or null. */
function requestHost(headers: Headers, protocol: string): string | null {
  const host = headers.get("host");
  if (!host) return null;
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return null;
  }
}

/** Refuses a mutation another site's page sent (see isCrossSiteRequest). */
export function assertSameSite(headers: Headers, appUrl: string): void {
  if (isCrossSiteRequest(headers, appUrl)) {
    throw new AppError("CROSS_SITE_REQUEST", "This request came from another site and was refused.");
  }
}

/** What the services record of a request: the client address, its User-Agent and its device cookie. */
export function requestMeta(headers: Headers, config: Pick<Config, "TRUST_PROXY" | "TRUSTED_PROXIES" | "APP_URL">): RequestMeta {
  return {
    ip: clientIp(headers, config.TRUST_PROXY, proxyPeersOf(config.TRUSTED_PROXIES)),
    userAgent: headers.get("user-agent"),
    deviceCookie: deviceCookieFrom(headers, config.APP_URL),
  };
}
