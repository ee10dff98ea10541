/**
 * Against the real Redis on 127.0.0.1:6379 (started on every machine of
 * this kind), each test run under its own key prefix, deleted afterwards.
 * The outage test starts a second redis-server of its own and kills it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../log.ts";
import { startPolicyGateway } from "../policies/testing.ts";
import { StoreUnavailableError, type CounterOp } from "./counter-store.ts";
import { MemoryCounterStore } from "./memory.ts";
import { RedisCounterStore } from "./redis.ts";

const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `portico-test:${process.pid}:${Date.now()}:`;
const stores: RedisCounterStore[] = [];

function store(options: { url?: string; prefix?: string } = {}): RedisCounterStore {
  const s = new RedisCounterStore({ url: options.url ?? REDIS_URL, prefix: options.prefix ?? prefix, logger: silentLogger });
  stores.push(s);
  return s;
}

afterAll(async () => {
  const cleaner = stores[0];
  if (cleaner && (await cleaner.ready())) {
    let cursor = "0";
    do {
      const [next, keys] = await cleaner.client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await cleaner.client.del(...keys);
    } while (cursor !== "0");
  }
  await Promise.all(stores.map((s) => s.close()));
});

describe("RedisCounterStore: the same decisions as memory, shared by nodes", () => {
  it("passes 10 calls in 10 s across two nodes and refuses the 11th with the exact wait", async () => {
    const [a, b] = [store(), store()];
    await Promise.all([a.ready(), b.ready()]);
    const t0 = 1_000_000;
    const allowed: boolean[] = [];
    for (let i = 0; i < 10; i++) allowed.push((await (i % 2 ? a : b).consumeSliding("basic:s1", 1, 10, 10_000, t0 + i * 100)).allowed);
    expect(allowed).toEqual(new Array(10).fill(true));
    const refused = await a.consumeSliding("basic:s1", 1, 10, 10_000, t0 + 1_500);
    expect(refused).toMatchObject({ allowed: false, count: 10, remaining: 0, retryAfterMs: 8_500 });
    expect((await b.consumeSliding("basic:s1", 1, 10, 10_000, t0 + 10_000)).allowed).toBe(true);
  });

  it("lets exactly `limit` of many concurrent calls through", async () => {
    const [a, b] = [store(), store()];
    await Promise.all([a.ready(), b.ready()]);
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consumeSliding("race", 1, 10, 60_000, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it("estimates large limits with two windows", async () => {
    const s = store();
    await s.ready();
    const w = 60_000;
    const start = 6_000_000;
    let passed = 0;
    for (let i = 0; i < 25; i++) passed += (await s.consumeSliding("big", 1_000, 15_000, w, start + i)).allowed ? 1 : 0;
    expect(passed).toBe(15);
    expect(await s.consumeSliding("big", 1, 15_000, w, start + w + w / 2)).toMatchObject({ allowed: true, count: 7_501 });
  });

  it("counts quotas per period with a TTL at the period's end", async () => {
    const s = store();
    await s.ready();
    const day = 86_400_000;
    const start = Math.floor(Date.now() / day) * day;
    expect(await s.consumeFixed("q", 1, 2, start, day, start + 10)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await s.consumeFixed("q", 1, 2, start, day, start + 20)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await s.consumeFixed("q", 1, 2, start, day, start + 30)).toMatchObject({ allowed: false, retryAfterMs: day - 30 });
    expect(await s.addFixed("bytes", 500, start, day)).toBe(500);
    expect(await s.addFixed("bytes", 700, start, day)).toBe(1_200);
    const ttl = await s.client.pttl(`${prefix}q:q:${start}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(day);
  });

  it("hands out at most `limit` leases across nodes and takes them back", async () => {
    const [a, b] = [store(), store()];
    await Promise.all([a.ready(), b.ready()]);
    const l1 = await a.acquire("conc", 2, 60_000);
    const l2 = await b.acquire("conc", 2, 60_000);
    const l3 = await a.acquire("conc", 2, 60_000);
    expect([l1.ok, l2.ok, l3.ok]).toEqual([true, true, false]);
    l1.release();
    await new Promise((r) => setTimeout(r, 50));
    expect((await b.acquire("conc", 2, 60_000)).ok).toBe(true);
  });

  it("shares cached answers with a TTL", async () => {
    const [a, b] = [store(), store()];
    await Promise.all([a.ready(), b.ready()]);
    await a.cacheSet("weather:oslo", { status: 200, headers: [["content-type", "application/json"]], body: Buffer.from('{"t":3}') }, 60_000);
    const hit = await b.cacheGet("weather:oslo");
    expect(hit).toEqual({ status: 200, headers: [["content-type", "application/json"]], body: Buffer.from('{"t":3}') });
    expect(await b.cacheGet("weather:bergen")).toBeUndefined();
    const ttl = await a.client.pttl(`${prefix}cache:weather:oslo`);
    expect(ttl).toBeGreaterThan(59_000);
  });
});

describe("RedisCounterStore: when Redis goes away", () => {
  let server: ChildProcess | undefined;
  afterAll(() => server?.kill("SIGKILL"));

  async function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  }

  it("throws StoreUnavailableError fast, counts the errors, and recovers when Redis is back", async () => {
    const port = await freePort();
    const start = () => spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    server = start();
    const s = store({ url: `redis://127.0.0.1:${port}`, prefix: "outage:" });
    expect(await s.ready(5_000)).toBe(true);
    expect((await s.consumeSliding("k", 1, 5, 1_000, Date.now())).allowed).toBe(true);

    server.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    const started = performance.now();
    await expect(s.consumeSliding("k", 1, 5, 1_000, Date.now())).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(performance.now() - started).toBeLessThan(500);
    expect(s.stats.errors).toBeGreaterThan(0);
    expect(s.stats.connected).toBe(false);

    server = start();
    expect(await s.ready(10_000)).toBe(true);
    expect((await s.consumeSliding("k2", 1, 5, 1_000, Date.now())).allowed).toBe(true);
  }, 20_000);
});

describe("RedisCounterStore: peeking decides without counting", () => {
  it("peeks sliding windows and fixed windows like the memory store", async () => {
    const s = store();
    await s.ready();
    const t0 = 2_000_000;
    expect(await s.peekSliding("p", 1, 2, 1_000, t0)).toMatchObject({ allowed: true });
    expect(await s.peekSliding("p", 1, 2, 1_000, t0)).toMatchObject({ allowed: true });
    await s.consumeSliding("p", 1, 2, 1_000, t0);
    await s.consumeSliding("p", 1, 2, 1_000, t0 + 1);
    expect(await s.peekSliding("p", 1, 2, 1_000, t0 + 2)).toMatchObject({ allowed: false, retryAfterMs: 998 });
    expect((await s.consumeSliding("p", 1, 2, 1_000, t0 + 1_000)).allowed).toBe(true);
    expect(await s.peekSliding("big", 1, 20_000, 60_000, t0)).toMatchObject({ allowed: true, count: 1 });
    expect(await s.peekSliding("big", 1, 20_000, 60_000, t0)).toMatchObject({ allowed: true, count: 1 });

    const day = 86_400_000;
    const start = Math.floor(Date.now() / day) * day;
    expect(await s.peekFixed("pq", 1, 1, start, day, start + 5)).toMatchObject({ allowed: true, count: 0 });
    await s.consumeFixed("pq", 1, 1, start, day, start + 6);
    expect(await s.peekFixed("pq", 1, 1, start, day, start + 7)).toMatchObject({ allowed: false, count: 1, retryAfterMs: day - 7 });
  });
});

describe("RedisCounterStore: several limits in one round trip", () => {
  it("decides consumeMany's ops in order like the memory store, stopping at the first refusal without counting the rest", async () => {
    const s = store();
    await s.ready();
    const memory = new MemoryCounterStore();
    const day = 86_400_000;
    const start = Math.floor(Date.now() / day) * day;
    const t = start + 1_000;
    // A rate limit of 3, a quota of 2, a large rate limit (estimated): the quota refuses the third call.
    const ops = (now: number): CounterOp[] => [
      { kind: "sliding", key: "many:rl", cost: 1, limit: 3, windowMs: 60_000, now },
      { kind: "fixed", key: "many:q", cost: 1, limit: 2, windowStart: start, windowMs: day, now },
      { kind: "sliding", key: "many:big", cost: 1, limit: 20_000, windowMs: 60_000, now },
    ];
    for (let i = 0; i < 4; i++) {
      const [fromRedis, fromMemory] = [await s.consumeMany(ops(t + i)), memory.consumeMany(ops(t + i))];
      expect(fromRedis).toEqual(fromMemory);
    }
    const third = memory.consumeMany(ops(t + 10));
    expect(third.map((d) => d.allowed)).toEqual([false]);
    // Calls 1 and 2 passed everything; calls 3 and 4 were counted by the first limit only, then refused by the quota.
    expect(await s.peekSliding("many:big", 1, 20_000, 60_000, t + 10)).toMatchObject({ count: 3 });
    expect(await s.peekFixed("many:q", 1, 2, start, day, t + 10)).toMatchObject({ count: 2, allowed: false });
    expect((await s.consumeMany(ops(t + 10))).map((d) => d.allowed)).toEqual([false]);
    await memory.close();
  });

  it("sends one script for a call's rate limit and quota through the gateway, and refuses exactly as the policies do alone", async () => {
    const s = store();
    await s.ready();
    const monitor = s.client.duplicate();
    const scripts: string[] = [];
    await monitor.monitor().then((m) => {
      m.on("monitor", (_time: string, args: string[]) => {
        if ((args[0] === "evalsha" || args[0] === "eval") && args.some((a) => a.startsWith(prefix))) scripts.push(args.slice(3).join(" "));
      });
      return new Promise((r) => setTimeout(r, 50));
    });
    const gw = await startPolicyGateway({
      counters: s,
      realTime: true,
      product: { inbound: [{ "rate-limit": { calls: 100, renewalPeriod: 60 } }, { quota: { calls: 2, renewalPeriod: 86_400 } }] },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await gw.call("/shop/items")).status);
      await new Promise((r) => setTimeout(r, 100));
      expect(statuses).toEqual([200, 200, 403]);
      expect(scripts).toHaveLength(3);
      expect(gw.backend.hits).toBe(2);
    } finally {
      await gw.close();
      monitor.disconnect();
    }
  });
});
