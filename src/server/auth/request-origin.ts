// Where a request comes from: the client address for limits and session
// records, and whether a mutation was sent by another site (CSRF).

/** Header our server entry sets from the socket; any client-sent value is overwritten. */
export const PEER_ADDRESS_HEADER = "x-accounts-peer-address";

/** The client address: the socket address our server recorded, else unknown. */
export function clientIp(headers: Headers): string | null {
  return headers.get(PEER_ADDRESS_HEADER) || null;
}

/**
 * A browser request from another site: its Origin (or Sec-Fetch-Site) says so.
 * Requests without Origin (curl, servers) are not cross-site by this rule.
 */
export function isCrossSiteRequest(headers: Headers, appUrl: string): boolean {
  if (headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = headers.get("origin");
  if (!origin) return false;
  if (origin === "null") return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return true;
  }
  const ownHosts = new Set([new URL(appUrl).host]);
  const host = headers.get("host");
  if (host) ownHosts.add(host);
  return !ownHosts.has(originHost);
}
