import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_NOW, downStore, startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("rate-limit-by-key", () => {
  it("counts by the CEL key: calls with the same key share a limit whatever their subscription", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "rate-limit-by-key": { calls: 2, renewalPeriod: 10, counterKey: 'request.headers[?"x-tenant"].orValue("none")' } }] } });
    const tenant = async (t: string, key: string) => (await gw!.call("/shop/items", { key, headers: { "x-tenant": t } })).status;
    expect([await tenant("acme", "key-a"), await tenant("acme", "key-b"), await tenant("acme", "key-a")]).toEqual([200, 200, 429]);
    expect(await tenant("globex", "key-a")).toBe(200);
    gw.clock.now = DEFAULT_NOW + 10_000;
    expect(await tenant("acme", "key-b")).toBe(200);
  });

  it("counts only calls whose answer meets incrementCondition (only 2xx), still refusing once the count is reached", async () => {
    gw = await startPolicyGateway({
      backend: (req, res) => {
        res.writeHead(req.url === "/items?ok" ? 200 : 404);
        res.end();
      },
      api: { inbound: [{ "rate-limit-by-key": { calls: 2, renewalPeriod: 60, counterKey: "subscription.id", incrementCondition: "response.status >= 200 && response.status < 300" } }] },
    });
    const statuses = [];
    for (const q of ["fail", "fail", "fail", "ok", "fail", "ok", "ok", "fail"]) {
      statuses.push((await gw.call(`/shop/items?${q}`)).status);
      // The count is taken when the call is over; let the close event run.
      await new Promise((r) => setImmediate(r));
    }
    expect(statuses).toEqual([404, 404, 404, 200, 404, 200, 429, 429]);
    const refused = await gw.call("/shop/items?ok");
    expect([refused.headers["retry-after"], refused.json().message]).toEqual(["60", "Rate limit is exceeded. Try again in 60 seconds."]);
    expect(gw.backend.hits).toBe(6);
  });

  it("weighs calls with incrementCount", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "rate-limit-by-key": { calls: 5, renewalPeriod: 10, counterKey: "request.ip", incrementCount: 2 } }] } });
    expect([(await gw.call("/shop/items")).status, (await gw.call("/shop/items")).status, (await gw.call("/shop/items")).status]).toEqual([200, 200, 429]);
  });

  it("applies onStoreError deny, and allow by default, when the store is down", async () => {
    gw = await startPolicyGateway({ counters: downStore("rejects"), api: { inbound: [{ "rate-limit-by-key": { calls: 1, renewalPeriod: 10, counterKey: "request.ip" } }] } });
    expect([(await gw.call("/shop/items")).status, (await gw.call("/shop/items")).status]).toEqual([200, 200]);
    await gw.close();
    gw = await startPolicyGateway({ counters: downStore("throws"), api: { inbound: [{ "rate-limit-by-key": { calls: 1, renewalPeriod: 10, counterKey: "request.ip", onStoreError: "deny" } }] } });
    expect((await gw.call("/shop/items")).json()).toMatchObject({ statusCode: 503, code: "STORE_UNAVAILABLE" });
  });
});
