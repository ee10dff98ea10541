import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("limit-concurrency", () => {
  it("answers 429 beyond the limit while calls are in flight, and frees slots when they finish", async () => {
    const waiting: Array<() => void> = [];
    gw = await startPolicyGateway({
      backend: (_req, res) => waiting.push(() => res.end("done")),
      api: { inbound: [{ "limit-concurrency": { max: 2 } }] },
    });
    const first = gw.call("/shop/items");
    const second = gw.call("/shop/items", { key: "key-b" });
    while (waiting.length < 2) await new Promise((r) => setTimeout(r, 5));
    const third = await gw.call("/shop/items");
    expect(third.status).toBe(429);
    expect(third.headers["retry-after"]).toBe("1");
    expect(third.json()).toEqual({ statusCode: 429, code: "CONCURRENCY_LIMITED", message: "Too many calls are in progress. Try again in 1 seconds.", requestId: third.headers["x-request-id"] });
    for (const release of waiting.splice(0)) release();
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    await new Promise((r) => setImmediate(r));
    const fourth = gw.call("/shop/items");
    while (waiting.length < 1) await new Promise((r) => setTimeout(r, 5));
    waiting.pop()!();
    expect((await fourth).status).toBe(200);
  });

  it("keeps a limit per counterKey", async () => {
    const waiting: Array<() => void> = [];
    gw = await startPolicyGateway({ backend: (_req, res) => waiting.push(() => res.end()), api: { inbound: [{ "limit-concurrency": { max: 1, counterKey: "subscription.id" } }] } });
    const a = gw.call("/shop/items");
    while (waiting.length < 1) await new Promise((r) => setTimeout(r, 5));
    expect((await gw.call("/shop/items")).status).toBe(429);
    const b = gw.call("/shop/items", { key: "key-b" });
    while (waiting.length < 2) await new Promise((r) => setTimeout(r, 5));
    for (const release of waiting.splice(0)) release();
    expect([(await a).status, (await b).status]).toEqual([200, 200]);
  });
});
