import { afterEach, describe, expect, it } from "vitest";
import { downStore, startPolicyGateway, type PolicyGateway } from "./testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const rateLimit = (onStoreError: "allow" | "deny") => ({ "rate-limit": { calls: 10, renewalPeriod: 10, onStoreError } });
const quota = (onStoreError: "allow" | "deny") => ({ quota: { calls: 10, renewalPeriod: 3600, onStoreError } });

// A rate limit and a quota in a row make one store operation per call; with the store down, each still applies its own onStoreError, in order.
// (One Redis round trip per call against the real Redis: counters/redis.test.ts.)
describe("batched limits with the store down", () => {
  for (const mode of ["throws", "rejects"] as const) {
    it(`lets the call through when both allow, counting both (store ${mode})`, async () => {
      const store = downStore(mode);
      gw = await startPolicyGateway({ counters: store, product: { inbound: [rateLimit("allow"), quota("allow")] } });
      expect((await gw.call("/shop/items")).status).toBe(200);
      expect(gw.gateway.policyStats).toMatchObject({ storeErrorsAllowed: 2, storeErrorsDenied: 0 });
      expect(store.calls).toBe(1);
      expect(gw.logger.lines.filter((l) => l.msg === "counter store unavailable: call let through").map((l) => l.fields?.policy)).toEqual(["rate-limit", "quota"]);
    });

    it(`refuses with 503 at the first limit that denies (store ${mode})`, async () => {
      gw = await startPolicyGateway({ counters: downStore(mode), product: { inbound: [rateLimit("allow"), quota("deny")] } });
      const res = await gw.call("/shop/items");
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({ code: "STORE_UNAVAILABLE" });
      expect(gw.gateway.policyStats).toMatchObject({ storeErrorsAllowed: 1, storeErrorsDenied: 1 });
      expect(gw.backend.hits).toBe(0);
    });

    it(`does not reach a later limit once an earlier one denied (store ${mode})`, async () => {
      gw = await startPolicyGateway({ counters: downStore(mode), product: { inbound: [rateLimit("deny"), quota("allow")] } });
      expect((await gw.call("/shop/items")).status).toBe(503);
      expect(gw.gateway.policyStats).toMatchObject({ storeErrorsAllowed: 0, storeErrorsDenied: 1 });
    });
  }
});
