import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regenerateSubscriptionKey, queryUsage } from "../../gateway/src/store/index.ts";
import { startPortico, type TestService } from "./harness.ts";
import { call, subscribe, waitForUsage } from "./helpers.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

describe("gateway: happy paths over real sockets", () => {
  it("passes an open product's call to the demo backend without a key", async () => {
    const res = await call(`${svc.gatewayUrl}/status/health`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok" });
    expect(res.headers["x-request-id"]).toMatch(/.+/);
  });

  it("accepts a Basic primary key in the header and the secondary key in the query", async () => {
    const sub = await subscribe(svc.context, "basic");
    const byHeader = await call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } });
    expect(byHeader.status).toBe(200);
    expect(byHeader.json()).toMatchObject({ city: expect.stringMatching(/oslo/i) });
    const byQuery = await call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo&subscription-key=${sub.secondaryKey}`);
    expect(byQuery.status).toBe(200);
  });

  it("routes path versions to their own backends", async () => {
    const sub = await subscribe(svc.context, "premium");
    const v2 = await call(`${svc.gatewayUrl}/weather/v2/alerts`, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } });
    expect(v2.status).toBe(200);
  });

  it("sends the backend the path and query exactly as received, minus the key", async () => {
    const sub = await subscribe(svc.context, "basic");
    const res = await call(`${svc.gatewayUrl}/status/echo?b=%2F&a=1&subscription-key=${sub.primaryKey}&c=x+y`, { headers: { "X-Custom": "Keep Me" } });
    expect(res.status).toBe(200);
    const echo = res.json();
    expect(echo.url).toBe("/status/echo?b=%2F&a=1&c=x+y");
    expect(echo.headers["x-custom"]).toEqual(["Keep Me"]);
    expect(echo.headers["x-forwarded-for"]).toEqual(["127.0.0.1"]);
    expect(echo.headers["x-forwarded-proto"]).toEqual(["http"]);
    expect(echo.headers["x-forwarded-host"]).toEqual([new URL(svc.gatewayUrl).host]);
    expect(echo.headers["x-request-id"]).toEqual([res.headers["x-request-id"]]);
  });

  it("passes a caller's request id on and returns it", async () => {
    const res = await call(`${svc.gatewayUrl}/status/echo`, { headers: { "X-Request-Id": "trace-abc.123" } });
    expect(res.headers["x-request-id"]).toBe("trace-abc.123");
    expect(res.json().headers["x-request-id"]).toEqual(["trace-abc.123"]);
  });

  it("streams a POST body to the backend and its answer back", async () => {
    const body = JSON.stringify({ hello: "drone", n: [1, 2, 3] });
    const res = await call(`${svc.gatewayUrl}/status/echo`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(200);
    expect(res.json().body).toMatchObject({ length: Buffer.byteLength(body), text: body });
  });

  it("records exactly one usage event per call: 300 calls → 300 within 5 s", async () => {
    // Premium: Basic allows 10 calls per 10 s, Premium has no short-term limit.
    const sub = await subscribe(svc.context, "premium");
    for (let i = 0; i < 300; i++) {
      const res = await call(`${svc.gatewayUrl}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } });
      expect(res.status).toBe(200);
    }
    const calls = await waitForUsage(svc.context, { subscriptionId: sub.id }, (n) => n >= 300);
    expect(calls).toBe(300);
    const r = await queryUsage(svc.context.store, { subscriptionId: sub.id, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }, "hour");
    expect(r.ok && r.totals).toMatchObject({ calls: 300, success: 300, blocked: 0, failed: 0 });
  });

  it("stops a regenerated primary key within one second while the secondary keeps working", async () => {
    const sub = await subscribe(svc.context, "basic");
    const url = `${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`;
    expect((await call(url, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } })).status).toBe(200);
    const ctx = svc.context;
    const regenerated = await regenerateSubscriptionKey(ctx.store, sub.id, "primary", { keyPrefix: ctx.catalog().portal.keyPrefix, secrets: ctx.secrets });
    expect(regenerated.ok).toBe(true);
    await ctx.subscriptionChanged(sub.id);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await call(url, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } })).status).toBe(401);
    expect((await call(url, { headers: { "Ocp-Apim-Subscription-Key": sub.secondaryKey } })).status).toBe(200);
    if (regenerated.ok) expect((await call(url, { headers: { "Ocp-Apim-Subscription-Key": regenerated.key } })).status).toBe(200);
  });

  it("answers health and readiness on the gateway listener", async () => {
    expect((await call(`${svc.gatewayUrl}/healthz`)).json()).toMatchObject({ status: "ok" });
    const ready = await call(`${svc.gatewayUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", configVersion: svc.context.catalog().version });
  });
});
