import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_NOW, downStore, startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const limit = { "rate-limit": { calls: 10, renewalPeriod: 10 } };

describe("rate-limit", () => {
  it("passes calls 1–10, answers the 11th with 429 and Retry-After in whole seconds, and passes the next call once that time has passed", async () => {
    gw = await startPolicyGateway({ product: { inbound: ["base", limit] } });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      gw.clock.now = DEFAULT_NOW + i * 250;
      statuses.push((await gw.call("/shop/items")).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);

    gw.clock.now = DEFAULT_NOW + 3_000;
    const refused = await gw.call("/shop/items");
    expect(refused.status).toBe(429);
    expect(refused.headers["retry-after"]).toBe("7");
    expect(refused.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(refused.json()).toEqual({
      statusCode: 429,
      code: "RATE_LIMITED",
      message: "Rate limit is exceeded. Try again in 7 seconds.",
      requestId: refused.headers["x-request-id"],
    });
    expect(gw.backend.hits).toBe(10);

    gw.clock.now = DEFAULT_NOW + 3_000 + 6_999;
    expect((await gw.call("/shop/items")).status).toBe(429);
    gw.clock.now = DEFAULT_NOW + 3_000 + 7_000;
    expect((await gw.call("/shop/items")).status).toBe(200);
    expect(gw.backend.hits).toBe(11);
  });

  it("rounds Retry-After up to whole seconds", async () => {
    gw = await startPolicyGateway({ product: { inbound: [{ "rate-limit": { calls: 1, renewalPeriod: 10 } }] } });
    expect((await gw.call("/shop/items")).status).toBe(200);
    gw.clock.now = DEFAULT_NOW + 2_001;
    const refused = await gw.call("/shop/items");
    expect([refused.status, refused.headers["retry-after"], refused.json().message]).toEqual([429, "8", "Rate limit is exceeded. Try again in 8 seconds."]);
  });

  it("counts each subscription apart, and each scope apart", async () => {
    gw = await startPolicyGateway({
      product: { inbound: [{ "rate-limit": { calls: 2, renewalPeriod: 60 } }] },
      operations: { getItem: { inbound: ["base", { "rate-limit": { calls: 1, renewalPeriod: 60 } }] } },
    });
    const a = [];
    for (let i = 0; i < 3; i++) a.push((await gw.call("/shop/items")).status);
    expect(a).toEqual([200, 200, 429]);
    const b = [];
    for (let i = 0; i < 3; i++) b.push((await gw.call("/shop/items", { key: "key-b" })).status);
    expect(b).toEqual([200, 200, 429]);
    // getItem has its own limit of 1 on top of the product's (already used up for key-a).
    expect((await gw.call("/shop/items/1", { key: "key-b" })).status).toBe(429);
  });

  it("counts calls without a subscription per caller address", async () => {
    gw = await startPolicyGateway({ open: { inbound: [{ "rate-limit": { calls: 2, renewalPeriod: 60 } }] }, trustedProxies: ["127.0.0.1"] });
    const from = (ip: string) => gw!.call("/shop/items", { key: null, headers: { "x-forwarded-for": ip } });
    expect([(await from("203.0.113.1")).status, (await from("203.0.113.1")).status, (await from("203.0.113.1")).status]).toEqual([200, 200, 429]);
    expect((await from("203.0.113.2")).status).toBe(200);
  });

  it("tells the calls left in a header when asked", async () => {
    gw = await startPolicyGateway({ product: { inbound: [{ "rate-limit": { calls: 3, renewalPeriod: 10, remainingCallsHeader: "X-RateLimit-Remaining" } }] } });
    const left = [];
    for (let i = 0; i < 3; i++) left.push((await gw.call("/shop/items")).headers["x-ratelimit-remaining"]);
    expect(left).toEqual(["2", "1", "0"]);
  });

  for (const mode of ["throws", "rejects"] as const) {
    it(`lets calls through when the store is down and onStoreError is allow (store ${mode}), with a counted, logged warning`, async () => {
      const store = downStore(mode);
      gw = await startPolicyGateway({ counters: store, product: { inbound: [limit] } });
      expect([(await gw.call("/shop/items")).status, (await gw.call("/shop/items")).status]).toEqual([200, 200]);
      expect(gw.gateway.policyStats).toMatchObject({ storeErrorsAllowed: 2, storeErrorsDenied: 0 });
      expect(gw.backend.hits).toBe(2);
      // Logged once, then throttled.
      expect(gw.logger.lines.filter((l) => l.msg === "counter store unavailable: call let through")).toHaveLength(1);
    });

    it(`refuses with 503 STORE_UNAVAILABLE when the store is down and onStoreError is deny (store ${mode})`, async () => {
      gw = await startPolicyGateway({ counters: downStore(mode), product: { inbound: [{ "rate-limit": { calls: 10, renewalPeriod: 10, onStoreError: "deny" } }] } });
      const res = await gw.call("/shop/items");
      expect(res.status).toBe(503);
      expect(res.json()).toEqual({ statusCode: 503, code: "STORE_UNAVAILABLE", message: "The gateway cannot reach its counter store. Try again shortly.", requestId: res.headers["x-request-id"] });
      expect(gw.backend.hits).toBe(0);
      expect(gw.gateway.policyStats.storeErrorsDenied).toBe(1);
    });
  }
});
