/**
 * IP address and CIDR matching, compiled once: used for trusted proxies and
 * by the ip-filter policy. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`)
 * match their IPv4 rules, since that is how Node reports IPv4 peers on a
 * dual-stack socket.
 */
import { isIP } from "node:net";
import { ConfigError } from "../errors.ts";

interface Rule {
  v6: boolean;
  bits: number;
  addr: bigint;
}

function parseV4(ip: string): bigint {
  const parts = ip.split(".");
  let n = 0n;
  for (const p of parts) n = (n << 8n) | BigInt(Number(p));
  return n;
}

function parseV6(ip: string): bigint {
  let text = ip;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseV4(tail);
    text = text.slice(0, lastColon + 1) + ((v4 >> 16n) & 0xffffn).toString(16) + ":" + (v4 & 0xffffn).toString(16);
  }
  const [head, rest] = text.split("::");
  const headParts = head ? head.split(":") : [];
  const restParts = rest !== undefined && rest !== "" ? rest.split(":") : [];
  const missing = 8 - headParts.length - restParts.length;
  const groups = rest === undefined ? headParts : [...headParts, ...new Array<string>(missing).fill("0"), ...restParts];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g || "0", 16));
  return n;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Normalises an address to `{v6, addr}`, unwrapping IPv4-mapped IPv6. */
function toNumber(ip: string): { v6: boolean; addr: bigint } | undefined {
  const zone = ip.indexOf("%");
  const bare = zone === -1 ? ip : ip.slice(0, zone);
  const kind = isIP(bare);
  if (kind === 4) return { v6: false, addr: parseV4(bare) };
  if (kind === 6) {
    const n = parseV6(bare);
    if (n >> 32n === 0xffffn && (n & ~0xffffffffn) === V4_MAPPED_PREFIX) return { v6: false, addr: n & 0xffffffffn };
    return { v6: true, addr: n };
  }
  return undefined;
}

export type IpMatcher = (ip: string) => boolean;

/**
 * Compiles addresses and CIDR ranges (`10.0.0.0/8`, `::1`, `fd00::/8`) into
 * one matcher. Throws ConfigError naming the first bad entry.
 */
export function compileIpMatcher(entries: readonly string[], what = "address list"): IpMatcher {
  const rules: Rule[] = [];
  const exact = new Set<string>();
  for (const entry of entries) {
    const [addrText, bitsText] = entry.trim().split("/");
    const parsed = addrText ? toNumber(addrText) : undefined;
    if (!parsed) throw new ConfigError(`${what}: "${entry}" is not an IP address or CIDR range`);
    const max = parsed.v6 ? 128 : 32;
    const bits = bitsText === undefined ? max : Number(bitsText);
    if (!Number.isInteger(bits) || bits < 0 || bits > max) {
      throw new ConfigError(`${what}: "${entry}" has a prefix length outside 0-${max}`);
    }
    if (bits === max) exact.add(`${parsed.v6 ? 6 : 4}:${parsed.addr}`);
    else rules.push({ v6: parsed.v6, bits, addr: parsed.addr >> BigInt(max - bits) });
  }
  if (entries.length === 0) return () => false;
  return function matchIp(ip: string): boolean {
    const n = toNumber(ip);
    if (!n) return false;
    if (exact.has(`${n.v6 ? 6 : 4}:${n.addr}`)) return true;
    for (const r of rules) {
      if (r.v6 !== n.v6) continue;
      const max = r.v6 ? 128 : 32;
      if (n.addr >> BigInt(max - r.bits) === r.addr) return true;
    }
    return false;
  };
}
