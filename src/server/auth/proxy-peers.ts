// Which TCP peers may speak for a client with X-Forwarded-For (TRUST_PROXY):
// a proxy the app sits behind. A client that reaches the app directly (it
// listens on 0.0.0.0 by default) must not choose its own address, so the
// header is read only from these peers: by default loopback and the private
// networks, where a reverse proxy or a load balancer connects from.
import { BlockList, isIP } from "node:net";

export const DEFAULT_TRUSTED_PROXIES =
  "127.0.0.0/8, ::1/128, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16, fc00::/7, fe80::/10";

/** What a BlockList of the proxies answers (written out: the API's published types carry no Node.js types). */
export type ProxyPeers = { check(address: string, type: "ipv4" | "ipv6"): boolean };

/** A comma-separated list of addresses and CIDR ranges, IPv4 or IPv6; throws naming the first entry that is neither. */
export function proxyPeers(list: string): ProxyPeers {
  const peers = new BlockList();
  for (const entry of list
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address = "", bits, extra] = entry.split("/");
    const family = isIP(address);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    const maxBits = family === 6 ? 128 : 32;
    if (
      !family ||
      extra !== undefined ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > maxBits ||
      (bits !== undefined && !/^\d+$/.test(bits))
    ) {
      throw new Error(`"${entry}" is not an address or a CIDR range`);
    }
    peers.addSubnet(address, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return peers;
}

/** Whether a peer address (as the socket gives it; IPv4-mapped IPv6 counts as IPv4) is one of the proxies. */
export function isProxyPeer(peers: ProxyPeers, peer: string): boolean {
  const address = peer.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  const family = isIP(address);
  return family !== 0 && peers.check(address, family === 6 ? "ipv6" : "ipv4");
}

const cache = new Map<string, ProxyPeers>();

/** proxyPeers, built once per list (requestMeta reads it on every request). */
export function proxyPeersOf(list: string): ProxyPeers {
  let peers = cache.get(list);
  if (!peers) {
    peers = proxyPeers(list);
    cache.set(list, peers);
  }
  return peers;
}
