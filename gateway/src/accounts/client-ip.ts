/**
 * The address a request came from, for the sign-in, sign-up and reset
 * throttles. `X-Forwarded-For` is believed only when the peer is one of the
 * configured trusted proxies (PORTICO_TRUSTED_PROXIES), and then the
 * right-most address that is not itself a trusted proxy wins: anything left
 * of it was written by the client and may be forged.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { compileIpMatcher } from "../gateway/ip-match.ts";

export type ClientIpResolver = (c: Context) => string;

export function clientIpResolver(trustedProxies: readonly string[]): ClientIpResolver {
  const trusted = compileIpMatcher(trustedProxies, "PORTICO_TRUSTED_PROXIES");
  const anyTrusted = trustedProxies.length > 0;
  return function clientIp(c) {
    let peer = "unknown";
    try {
      peer = getConnInfo(c).remote.address ?? "unknown";
    } catch {
      // Not served by @hono/node-server (app.request() in a unit test).
    }
    if (!anyTrusted || !trusted(peer)) return peer;
    const header = c.req.header("x-forwarded-for");
    if (header === undefined) return peer;
    const hops = header.split(",").map((s) => s.trim()).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) if (!trusted(hops[i]!)) return hops[i]!;
    return hops[0] ?? peer;
  };
}
