import { afterEach, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

describe("ip-filter", () => {
  it("allows only listed addresses and ranges with action allow", async () => {
    gw = await startPolicyGateway({ trustedProxies: ["127.0.0.1"], api: { inbound: [{ "ip-filter": { action: "allow", addresses: ["10.0.0.0/8", "192.168.1.20", "2001:db8::/32"] } }] } });
    const statuses = [];
    for (const ip of ["10.1.2.3", "192.168.1.20", "2001:db8::1", "192.168.1.21", "11.0.0.1"]) statuses.push((await gw.call("/shop/items", from(ip))).status);
    expect(statuses).toEqual([200, 200, 200, 403, 403]);
    const refused = await gw.call("/shop/items", from("8.8.8.8"));
    expect(refused.json()).toEqual({ statusCode: 403, code: "IP_FORBIDDEN", message: "The caller's IP address is not allowed to call this API.", requestId: refused.headers["x-request-id"] });
    expect(gw.backend.hits).toBe(3);
  });

  it("refuses listed addresses with action forbid (IPv4 callers on a dual-stack socket match IPv4 rules)", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "ip-filter": { action: "forbid", addresses: ["127.0.0.1"] } }] } });
    expect((await gw.call("/shop/items")).status).toBe(403);
  });

  it("names a bad entry at its index", () => {
    const result = policyOptionSchemas["ip-filter"]!.safeParse({ action: "allow", addresses: ["10.0.0.0/8", "10.0.0.0/33", "example.com"] });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["addresses.1", "is not an IP address or CIDR range ('10.0.0.0/33')"],
      ["addresses.2", "is not an IP address or CIDR range ('example.com')"],
    ]);
  });
});
