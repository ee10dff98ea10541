import { afterEach, describe, expect, it } from "vitest";
import { MemoryCounterStore } from "../../counters/memory.ts";
import { DEFAULT_NOW, downStore, startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Answers with a body that changes on every hit, so a cached answer is recognisable. */
let served = 0;
const counting = (req: { url: string; headers: Record<string, unknown> }, res: import("node:http").ServerResponse) => {
  served++;
  const body = JSON.stringify({ hit: served, url: req.url, lang: req.headers["accept-language"] ?? null });
  res.writeHead(req.url.includes("missing") ? 404 : 200, { "content-type": "application/json", "x-backend": "yes" });
  res.end(body);
};

const cache = (lookup: Record<string, unknown> = {}, store: Record<string, unknown> = { duration: 60 }) => ({
  inbound: ["base", { "cache-lookup": lookup }] as Array<"base" | Record<string, unknown>>,
  outbound: ["base", { "cache-store": store }] as Array<"base" | Record<string, unknown>>,
});

describe("cache-lookup and cache-store", () => {
  it("serves the second identical GET from the cache without calling the backend, until the duration ends", async () => {
    served = 0;
    gw = await startPolicyGateway({ backend: counting, api: cache() });
    const first = await gw.call("/shop/items?city=Oslo");
    const second = await gw.call("/shop/items?city=Oslo");
    expect(gw.backend.hits).toBe(1);
    expect(second.text).toBe(first.text);
    expect([second.status, second.headers["content-type"], second.headers["x-backend"]]).toEqual([200, "application/json", "yes"]);
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    expect([first.headers.age, second.headers.age, second.headers["portico-stored-at"]]).toEqual([undefined, "0", undefined]);
    gw.clock.now = DEFAULT_NOW + 42_500;
    expect((await gw.call("/shop/items?city=Oslo")).headers.age).toBe("42");
    gw.clock.now = DEFAULT_NOW + 60_000;
    expect((await gw.call("/shop/items?city=Oslo")).json().hit).toBe(2);
    expect(gw.backend.hits).toBe(2);
  });

  it("honours varyByQuery and varyByHeaders", async () => {
    served = 0;
    gw = await startPolicyGateway({ backend: counting, api: cache({ varyByQuery: ["city"], varyByHeaders: ["Accept-Language"] }) });
    const hit = async (q: string, lang?: string) => (await gw!.call(`/shop/items?${q}`, { headers: lang === undefined ? {} : { "accept-language": lang } })).json().hit;
    expect(await hit("city=Oslo&utm=1")).toBe(1);
    expect(await hit("utm=2&city=Oslo")).toBe(1);
    expect(await hit("city=Bergen")).toBe(2);
    expect(await hit("city=Oslo", "de")).toBe(3);
    expect(await hit("city=Oslo", "de")).toBe(3);
    expect(gw.backend.hits).toBe(3);
  });

  it("varies by all query parameters by default, in any order", async () => {
    served = 0;
    gw = await startPolicyGateway({ backend: counting, api: cache() });
    const hit = async (q: string) => (await gw!.call(`/shop/items?${q}`)).json().hit;
    expect([await hit("a=1&b=2"), await hit("b=2&a=1"), await hit("a=1&b=3"), await hit("a=1")]).toEqual([1, 1, 2, 3]);
  });

  it("never gives one subscription another's cached answer, unless varyBySubscription is false", async () => {
    served = 0;
    gw = await startPolicyGateway({ backend: counting, api: cache(), operations: { getItem: { inbound: ["base", { "cache-lookup": { varyBySubscription: false } }], outbound: ["base", { "cache-store": { duration: 60 } }] } } });
    expect((await gw.call("/shop/items", { key: "key-a" })).json().hit).toBe(1);
    expect((await gw.call("/shop/items", { key: "key-b" })).json().hit).toBe(2);
    expect((await gw.call("/shop/items", { key: "key-a" })).json().hit).toBe(1);
    // getItem shares answers across subscriptions (its own cache-lookup runs after the API's).
    expect((await gw.call("/shop/items/9", { key: "key-a" })).json().hit).toBe(3);
    expect((await gw.call("/shop/items/9", { key: "key-b" })).json().hit).toBe(3);
  });

  it("caches only GET, only the listed statuses, and nothing marked private, no-store or with a cookie", async () => {
    served = 0;
    let headers: Record<string, string> = {};
    gw = await startPolicyGateway({
      backend: (req, res) => {
        served++;
        res.writeHead(req.url.includes("missing") ? 404 : 200, headers);
        res.end(String(served));
      },
      api: cache({}, { duration: 60, statuses: [200] }),
    });
    const twice = async (path: string, method = "GET") => [(await gw!.call(path, { method, body: method === "POST" ? "{}" : undefined })).text, (await gw!.call(path, { method, body: method === "POST" ? "{}" : undefined })).text];
    expect(await twice("/shop/items?missing")).toEqual(["1", "2"]);
    expect(await twice("/shop/items", "POST")).toEqual(["3", "4"]);
    headers = { "cache-control": "private, max-age=60" };
    expect(await twice("/shop/items?p")).toEqual(["5", "6"]);
    headers = { "set-cookie": "a=b" };
    expect(await twice("/shop/items?c")).toEqual(["7", "8"]);
    headers = {};
    expect(await twice("/shop/items?ok")).toEqual(["9", "9"]);
  });

  it("skips the backend section and runs outbound on a hit", async () => {
    served = 0;
    gw = await startPolicyGateway({ backend: counting, api: { ...cache(), outbound: ["base", { "cache-store": { duration: 60 } }, { "set-header": { name: "X-Out", value: "ran" } }] } });
    await gw.call("/shop/items");
    const hit = await gw.call("/shop/items");
    expect([gw.backend.hits, hit.headers["x-out"]]).toEqual([1, "ran"]);
  });

  it("treats a store that is down as a miss (allow) or refuses with 503 (deny)", async () => {
    served = 0;
    gw = await startPolicyGateway({ backend: counting, counters: downStore("rejects"), api: cache() });
    expect([(await gw.call("/shop/items")).status, (await gw.call("/shop/items")).status, gw.backend.hits]).toEqual([200, 200, 2]);
    await gw.close();
    gw = await startPolicyGateway({ backend: counting, counters: downStore(), api: cache({ onStoreError: "deny" }) });
    expect((await gw.call("/shop/items")).status).toBe(503);
  });

  it("keeps answers in the shared store, bounded by maxSize", async () => {
    const store = new MemoryCounterStore();
    gw = await startPolicyGateway({ backend: (_req, res) => res.end("y".repeat(2_000)), counters: store, api: cache({}, { duration: 60, maxSize: 1_000 }) });
    await gw.call("/shop/items");
    await gw.call("/shop/items");
    expect([gw.backend.hits, store.sizes.cache]).toEqual([2, 0]);
    await store.close();
  });
});
