import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("quota-by-key", () => {
  it("counts per CEL key, and only calls that meet incrementCondition", async () => {
    gw = await startPolicyGateway({
      backend: (req, res) => {
        res.writeHead(req.url!.includes("bad") ? 400 : 200);
        res.end();
      },
      api: { inbound: [{ "quota-by-key": { calls: 2, renewalPeriod: 3_600, counterKey: 'request.headers[?"x-tenant"].orValue("")', incrementCondition: "response.status < 400" } }] },
    });
    const call = async (tenant: string, q = "") => {
      const res = await gw!.call(`/shop/items?${q}`, { headers: { "x-tenant": tenant } });
      await new Promise((r) => setImmediate(r));
      return res.status;
    };
    expect([await call("acme", "bad"), await call("acme", "bad"), await call("acme"), await call("acme"), await call("acme")]).toEqual([400, 400, 200, 200, 403]);
    expect(await call("globex")).toBe(200);
  });
});
