import { z } from "zod";
import { ConfigError } from "../../errors.ts";
import { compileIpMatcher } from "../../gateway/ip-match.ts";
import { definePolicy } from "../define.ts";

export const ipFilterOptions = z.strictObject({
  action: z.enum(["allow", "forbid"]).meta({ description: "`allow`: only the listed addresses may call. `forbid`: the listed addresses may not." }),
  addresses: z
    .array(z.string())
    .min(1)
    .superRefine((entries, ctx) => {
      entries.forEach((entry, i) => {
        try {
          compileIpMatcher([entry], "address");
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          ctx.addIssue({ code: "custom", path: [i], message: `is not an IP address or CIDR range ('${entry}')` });
        }
      });
    })
    .meta({ description: "IPv4 and IPv6 addresses and CIDR ranges, e.g. `10.0.0.0/8`, `2001:db8::/32`.", examples: ["[10.0.0.0/8, 192.168.1.20]"] }),
});

export const ipFilterPolicy = definePolicy({
  name: "ip-filter",
  schema: ipFilterOptions,
  priority: 1500,
  sections: ["inbound"],
  summary: "Allows or refuses calls by the caller's IP address.",
  description:
    "The address is the caller's as the gateway sees it: the connection's peer, or with `PORTICO_TRUSTED_PROXIES` set, the right-most address in `X-Forwarded-For` that is not a trusted proxy. IPv4 callers on a dual-stack socket match IPv4 rules. A refused call gets `403` with code `IP_FORBIDDEN`.",
  example: ["inbound:", "  - ip-filter: { action: allow, addresses: [10.0.0.0/8, 192.168.1.20] }"].join("\n"),
});
