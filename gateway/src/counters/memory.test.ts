import { describe, expect, it } from "vitest";
import { MemoryCounterStore } from "./memory.ts";

describe("MemoryCounterStore: sliding window", () => {
  it("passes 10 calls in 10 s, refuses the 11th with the time until the oldest expires, then passes", () => {
    const store = new MemoryCounterStore();
    const t0 = 1_000_000;
    const results = [];
    for (let i = 0; i < 10; i++) results.push(store.consumeSliding("k", 1, 10, 10_000, t0 + i * 100).allowed);
    expect(results).toEqual(new Array(10).fill(true));
    const refused = store.consumeSliding("k", 1, 10, 10_000, t0 + 1_500);
    expect(refused).toMatchObject({ allowed: false, count: 10, remaining: 0, retryAfterMs: 8_500 });
    expect(store.consumeSliding("k", 1, 10, 10_000, t0 + 9_999).allowed).toBe(false);
    expect(store.consumeSliding("k", 1, 10, 10_000, t0 + 10_000)).toMatchObject({ allowed: true, count: 10 });
    void store.close();
  });

  it("counts keys apart and records nothing when it refuses", () => {
    const store = new MemoryCounterStore();
    expect(store.consumeSliding("a", 1, 1, 1_000, 0).allowed).toBe(true);
    expect(store.consumeSliding("b", 1, 1, 1_000, 0).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(store.consumeSliding("a", 1, 1, 1_000, 500).allowed).toBe(false);
    expect(store.consumeSliding("a", 1, 1, 1_000, 1_000).allowed).toBe(true);
    void store.close();
  });

  it("weights costs", () => {
    const store = new MemoryCounterStore();
    expect(store.consumeSliding("k", 7, 10, 1_000, 0)).toMatchObject({ allowed: true, remaining: 3 });
    expect(store.consumeSliding("k", 4, 10, 1_000, 10)).toMatchObject({ allowed: false, retryAfterMs: 990 });
    expect(store.consumeSliding("k", 3, 10, 1_000, 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(store.consumeSliding("k", 11, 10, 1_000, 5_000)).toMatchObject({ allowed: false });
    void store.close();
  });

  it("estimates large limits with two windows", () => {
    const store = new MemoryCounterStore();
    const w = 60_000;
    let passed = 0;
    for (let i = 0; i < 20_000; i++) passed += store.consumeSliding("big2", 1, 15_000, w, i).allowed ? 1 : 0;
    expect(passed).toBe(15_000);
    // Half-way through the next window half of the previous window still counts.
    expect(store.consumeSliding("big2", 1, 15_000, w, w + w / 2)).toMatchObject({ allowed: true, count: 7_501 });
    void store.close();
  });
});

describe("MemoryCounterStore: fixed windows, slots, cache", () => {
  it("counts a quota within its period and starts again in the next", () => {
    const store = new MemoryCounterStore();
    const day = 86_400_000;
    expect(store.consumeFixed("q", 1, 2, 0, day, 10)).toMatchObject({ allowed: true, remaining: 1, resetMs: day - 10 });
    expect(store.consumeFixed("q", 1, 2, 0, day, 20)).toMatchObject({ allowed: true, remaining: 0 });
    expect(store.consumeFixed("q", 1, 2, 0, day, 30)).toMatchObject({ allowed: false, retryAfterMs: day - 30 });
    expect(store.consumeFixed("q", 1, 2, day, day, day + 1)).toMatchObject({ allowed: true, remaining: 1 });
    expect(store.addFixed("bytes", 500, 0, day)).toBe(500);
    expect(store.addFixed("bytes", 700, 0, day)).toBe(1_200);
    void store.close();
  });

  it("hands out at most `limit` concurrent leases and takes them back", () => {
    const store = new MemoryCounterStore();
    const a = store.acquire("c", 2, 60_000);
    const b = store.acquire("c", 2, 60_000);
    const c = store.acquire("c", 2, 60_000);
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, false]);
    a.release();
    a.release();
    expect(store.acquire("c", 2, 60_000).ok).toBe(true);
    expect(store.acquire("c", 2, 60_000).ok).toBe(false);
    void store.close();
  });

  it("expires leases that were never released", () => {
    let now = 0;
    const store = new MemoryCounterStore({ now: () => now });
    expect(store.acquire("c", 1, 1_000).ok).toBe(true);
    expect(store.acquire("c", 1, 1_000).ok).toBe(false);
    now = 1_000;
    expect(store.acquire("c", 1, 1_000).ok).toBe(true);
    void store.close();
  });

  it("caches answers until they expire and stays within its byte budget", () => {
    let now = 0;
    const store = new MemoryCounterStore({ now: () => now, maxCacheBytes: 4_000 });
    const answer = (n: number) => ({ status: 200, headers: [["content-type", "text/plain"]] as Array<[string, string]>, body: Buffer.alloc(n) });
    store.cacheSet("a", answer(900), 1_000);
    expect(store.cacheGet("a")?.body.length).toBe(900);
    now = 1_000;
    expect(store.cacheGet("a")).toBeUndefined();
    for (const k of ["1", "2", "3", "4", "5"]) store.cacheSet(k, answer(900), 10_000);
    expect(store.sizes.cacheBytes).toBeLessThanOrEqual(4_000);
    expect(store.cacheGet("1")).toBeUndefined();
    expect(store.cacheGet("5")?.status).toBe(200);
    void store.close();
  });

  it("sweeps expired entries and bounds the number of keys", () => {
    let now = 0;
    const store = new MemoryCounterStore({ now: () => now, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) store.consumeSliding(`ip-${i}`, 1, 5, 10_000, now);
    expect(store.sizes.sliding).toBeLessThanOrEqual(100);
    now = 20_000;
    store.sweep();
    expect(store.sizes.sliding).toBe(0);
    void store.close();
  });
});

describe("MemoryCounterStore: peeking", () => {
  it("decides a sliding window like consume but records nothing", () => {
    const store = new MemoryCounterStore();
    expect(store.peekSliding("k", 1, 2, 1_000, 0)).toMatchObject({ allowed: true, count: 0, remaining: 2 });
    expect(store.sizes.sliding).toBe(0);
    store.consumeSliding("k", 1, 2, 1_000, 0);
    store.consumeSliding("k", 1, 2, 1_000, 100);
    for (let i = 0; i < 3; i++) expect(store.peekSliding("k", 1, 2, 1_000, 200)).toMatchObject({ allowed: false, count: 2, retryAfterMs: 800 });
    expect(store.peekSliding("k", 1, 2, 1_000, 1_000)).toMatchObject({ allowed: true, count: 1 });
    expect(store.consumeSliding("k", 1, 2, 1_000, 1_000)).toMatchObject({ allowed: true, count: 2 });
    void store.close();
  });

  it("decides a fixed window like consume but adds nothing", () => {
    const store = new MemoryCounterStore();
    expect(store.peekFixed("q", 1, 3, 0, 1_000, 10)).toMatchObject({ allowed: true, count: 0, resetMs: 990 });
    store.addFixed("q", 3, 0, 1_000);
    expect(store.peekFixed("q", 1, 3, 0, 1_000, 10)).toMatchObject({ allowed: false, count: 3, retryAfterMs: 990 });
    expect(store.peekFixed("q", 1, 3, 1_000, 1_000, 1_010)).toMatchObject({ allowed: true, count: 0 });
    void store.close();
  });
});
