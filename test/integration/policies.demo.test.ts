import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEMO_CONTENT, startPortico, type TestService } from "./harness.ts";
import { call, subscribe } from "./helpers.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

const key = (k: string) => ({ headers: { "Ocp-Apim-Subscription-Key": k } });

describe("the demo's policies over real sockets", () => {
  it("gives a Basic key 429 on its 11th call within 10 s, with a Retry-After that, once waited, lets the next call through", async () => {
    const sub = await subscribe(svc.context, "basic");
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await call(`${svc.gatewayUrl}/status/health`, key(sub.primaryKey))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    const refused = await call(`${svc.gatewayUrl}/status/health`, key(sub.secondaryKey));
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers["retry-after"]);
    expect(wait).toBeGreaterThanOrEqual(9);
    expect(wait).toBeLessThanOrEqual(10);
    expect(refused.json()).toEqual({ statusCode: 429, code: "RATE_LIMITED", message: `Rate limit is exceeded. Try again in ${wait} seconds.`, requestId: refused.headers["x-request-id"] });
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    expect((await call(`${svc.gatewayUrl}/status/health`, key(sub.primaryKey))).status).toBe(200);
  }, 20_000);

  it("answers a CORS preflight from the portal's origin without a key, and none from another origin", async () => {
    const preflight = (origin: string) =>
      call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "ocp-apim-subscription-key" },
      });
    for (const origin of [new URL(svc.context.urls.portal).origin, svc.controlUrl]) {
      const ok = await preflight(origin);
      expect(ok.status).toBe(204);
      expect(ok.headers).toMatchObject({ "access-control-allow-origin": origin, "access-control-allow-methods": "GET", "access-control-allow-headers": "ocp-apim-subscription-key" });
    }
    const foreign = await preflight("https://evil.example");
    expect(foreign.status).toBe(200);
    expect(foreign.headers["access-control-allow-origin"]).toBeUndefined();
    // The try-it console's call itself, and a refusal it must be able to read.
    const sub = await subscribe(svc.context, "premium");
    const origin = svc.controlUrl;
    const answer = await call(`${svc.gatewayUrl}/weather/v1/alerts`, { headers: { origin, "Ocp-Apim-Subscription-Key": sub.primaryKey } });
    expect([answer.status, answer.headers["access-control-allow-origin"], answer.headers["access-control-expose-headers"]]).toEqual([200, origin, "Retry-After, X-Request-Id"]);
    const noKey = await call(`${svc.gatewayUrl}/weather/v1/alerts`, { headers: { origin } });
    expect([noKey.status, noKey.headers["access-control-allow-origin"]]).toEqual([401, origin]);
  });

  it("serves a repeated forecast from the 60 s cache, per subscription", async () => {
    const [a, b] = [await subscribe(svc.context, "premium"), await subscribe(svc.context, "premium")];
    const url = `${svc.gatewayUrl}/weather/v1/forecast?city=Trondheim&days=2`;
    const first = await call(url, key(a.primaryKey));
    const second = await call(url, key(a.secondaryKey));
    const other = await call(url, key(b.primaryKey));
    expect([first.status, second.status, other.status]).toEqual([200, 200, 200]);
    expect([first.headers.age, second.headers.age, other.headers.age]).toEqual([undefined, "0", undefined]);
    expect(second.text).toBe(first.text);
    expect((await call(`${svc.gatewayUrl}/weather/v1/forecast?city=Trondheim&days=3`, key(a.primaryKey))).headers.age).toBeUndefined();
  });

  it("answers v2's hourly forecast with the example from its definition", async () => {
    const definition = parse(await readFile(path.join(DEMO_CONTENT, "apis/weather/openapi.v2.yaml"), "utf8"));
    const example = definition.paths["/forecast/hourly"].get.responses["200"].content["application/json"].example;
    const sub = await subscribe(svc.context, "premium");
    const res = await call(`${svc.gatewayUrl}/weather/v2/forecast/hourly?city=Bergen`, key(sub.primaryKey));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(example);
  });

  it("limits Starter's calls without a key to 5 per 10 s per address", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(`${svc.gatewayUrl}/status/health`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // With a key the call is Basic's, and counts against Basic's limits instead.
    const sub = await subscribe(svc.context, "basic");
    expect((await call(`${svc.gatewayUrl}/status/health`, key(sub.primaryKey))).status).toBe(200);
  });
});
