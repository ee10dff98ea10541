import { afterEach, describe, expect, it } from "vitest";
import { formatSpan } from "../limits.ts";
import { policyOptionSchemas } from "../schemas.ts";
import { DEFAULT_NOW, downStore, startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const settle = () => new Promise((r) => setImmediate(r));

describe("quota", () => {
  it("passes the period's calls, refuses the next with 403 saying when the quota renews, and renews at the period boundary", async () => {
    gw = await startPolicyGateway({ product: { inbound: ["base", { quota: { calls: 3, renewalPeriod: 86_400 } }] } });
    // 2026-03-14T18:47:20Z: 5 h 12 min 40 s before midnight UTC.
    const t = DEFAULT_NOW + 18 * 3_600_000 + 47 * 60_000 + 20_000;
    gw.clock.now = t;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gw.call("/shop/items")).status);
    expect(statuses).toEqual([200, 200, 200, 403]);
    const refused = await gw.call("/shop/items");
    expect(refused.json()).toEqual({
      statusCode: 403,
      code: "QUOTA_EXCEEDED",
      message: "Out of call volume quota. Quota will be replenished in 05:12:40.",
      requestId: refused.headers["x-request-id"],
    });
    expect(refused.headers["retry-after"]).toBe(String(5 * 3600 + 12 * 60 + 40));
    // Another subscription has its own quota.
    expect((await gw.call("/shop/items", { key: "key-b" })).status).toBe(200);
    gw.clock.now = DEFAULT_NOW + 86_400_000 - 1;
    expect((await gw.call("/shop/items")).status).toBe(403);
    gw.clock.now = DEFAULT_NOW + 86_400_000;
    expect((await gw.call("/shop/items")).status).toBe(200);
    expect(gw.backend.hits).toBe(5);
  });

  it("lays periods from firstPeriodStart", async () => {
    gw = await startPolicyGateway({ product: { inbound: [{ quota: { calls: 1, renewalPeriod: 3_600, firstPeriodStart: "2026-03-13T23:30:00Z" } }] } });
    expect((await gw.call("/shop/items")).status).toBe(200);
    expect((await gw.call("/shop/items")).json().message).toBe("Out of call volume quota. Quota will be replenished in 00:30:00.");
    gw.clock.now = DEFAULT_NOW + 30 * 60_000;
    expect((await gw.call("/shop/items")).status).toBe(200);
  });

  it("counts bandwidth in bytes sent and received, refusing once the period's kilobytes are used", async () => {
    gw = await startPolicyGateway({
      backend: (_req, res) => res.end("x".repeat(600)),
      product: { inbound: [{ quota: { bandwidth: 2, renewalPeriod: 3_600 } }] },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await gw.call("/shop/items")).status);
      await settle();
    }
    // Each call moves about 600 bytes of body plus headers both ways (> 2 KiB after the third).
    expect(statuses).toEqual([200, 200, 200, 403]);
    expect((await gw.call("/shop/items")).json().message).toMatch(/^Out of bandwidth quota\. Quota will be replenished in \d\d:\d\d:\d\d\.$/);
  });

  it("checks calls and bandwidth together, without charging a call that bandwidth refused", async () => {
    gw = await startPolicyGateway({ backend: (_req, res) => res.end("x".repeat(3_000)), product: { inbound: [{ quota: { calls: 2, bandwidth: 1, renewalPeriod: 60 } }] } });
    expect((await gw.call("/shop/items")).status).toBe(200);
    await settle();
    const refused = await gw.call("/shop/items");
    expect(refused.json().message).toBe("Out of bandwidth quota. Quota will be replenished in 00:01:00.");
  });

  it("lets calls through or refuses them with 503 by onStoreError when the store is down", async () => {
    gw = await startPolicyGateway({ counters: downStore(), product: { inbound: [{ quota: { calls: 1, renewalPeriod: 60 } }] } });
    expect([(await gw.call("/shop/items")).status, (await gw.call("/shop/items")).status]).toEqual([200, 200]);
    await gw.close();
    gw = await startPolicyGateway({ counters: downStore("rejects"), product: { inbound: [{ quota: { calls: 1, renewalPeriod: 60, onStoreError: "deny" } }] } });
    expect((await gw.call("/shop/items")).status).toBe(503);
  });

  it("needs calls or bandwidth", () => {
    expect(policyOptionSchemas.quota!.safeParse({ renewalPeriod: 60 }).error?.issues.map((i) => i.message)).toEqual([
      "missing required key 'calls' (or 'bandwidth'): a quota limits calls, bytes or both",
    ]);
  });

  it("prints spans as APIM does", () => {
    expect([formatSpan(0), formatSpan(999), formatSpan(18_760_000), formatSpan(86_400_000 + 3_723_000)]).toEqual(["00:00:00", "00:00:01", "05:12:40", "1.01:02:03"]);
  });
});
