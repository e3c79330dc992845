// A client as the rate limits and the hashing queue count it: by its
// address, except that an IPv6 client counts by its /64. One host or home
// network usually holds a whole /64 (privacy addresses, SLAAC) and can send
// each request from a new address in it: counted per address, every request
// would bring a fresh budget. IPv4-mapped IPv6 addresses count as IPv4.
import net from "node:net";

export function clientAddressKey(ip: string | null | undefined): string {
  if (!ip) return "unknown";
  const bare = ip.replace(/%.*$/, ""); // a zone id ("fe80::1%eth0")
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (!net.isIPv6(bare)) return ip;
  return `${ipv6Groups(bare).slice(0, 4).join(":")}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros ("::" expanded, an IPv4 tail as two groups). */
function ipv6Groups(ip: string): string[] {
  const groups = (part: string) =>
    part
      ? part.split(":").flatMap((group) => {
          if (!group.includes(".")) return [group];
          const [a, b, c, d] = group.split(".").map(Number) as [number, number, number, number];
          return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
        })
      : [];
  const [head, tail] = ip.split("::");
  const before = groups(head!);
  const after = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill("0"), ...after];
  return all.map((group) => Number.parseInt(group, 16).toString(16));
}
