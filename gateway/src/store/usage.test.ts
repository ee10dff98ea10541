import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, T0, type TestStore } from "./test-helpers.ts";
import {
  addUsageBatch,
  aggregateUsageEvents,
  classifyOutcome,
  deleteUsageBefore,
  emptyUsageRow,
  estimatePercentile,
  LATENCY_BUCKETS_MS,
  latencyBucket,
  MAX_SERIES_POINTS,
  pruneUsageBatches,
  queryUsage,
  usageBreakdown,
  type UsageEvent,
  type UsageOutcome,
} from "./usage.ts";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.cleanup();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** T0 is 12:00:00 UTC: a minute, hour and day boundary-friendly instant. */
const minuteOf = (d: Date) => Math.floor(d.getTime() / MINUTE);

const OUTCOMES: UsageOutcome[] = ["success", "success", "success", "blocked", "failed", "clientError"];

/** Deterministic events spread over one minute: outcome, sizes and latency vary by index. */
function events(n: number, overrides: Partial<UsageEvent> = {}, startMs = T0.getTime()): UsageEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    at: startMs + ((i * 197) % MINUTE),
    subscriptionId: "sub1",
    userId: "user1",
    productId: "basic",
    apiId: "weather",
    operationId: "getForecast",
    outcome: OUTCOMES[i % OUTCOMES.length]!,
    bytesIn: i % 7,
    bytesOut: 100 + i,
    latencyMs: (i % 50) * 1.5,
    backendLatencyMs: i % 50,
    ...overrides,
  }));
}

function expectedTotals(list: UsageEvent[]) {
  const count = (o: UsageOutcome) => list.filter((e) => e.outcome === o).length;
  return {
    calls: list.length,
    success: count("success"),
    blocked: count("blocked"),
    failed: count("failed"),
    clientErrors: count("clientError"),
    bytesIn: list.reduce((a, e) => a + e.bytesIn, 0),
    bytesOut: list.reduce((a, e) => a + e.bytesOut, 0),
    maxLatencyMs: Math.max(...list.map((e) => e.latencyMs)),
  };
}

describe("writing batches", () => {
  it("300 events in one batch, then another batch for the same minute, sum exactly", async () => {
    const first = events(300);
    const second = events(120, {}, T0.getTime() + 5);
    const rows1 = aggregateUsageEvents(first);
    expect(rows1).toHaveLength(1);
    expect(await addUsageBatch(t.store, rows1)).toEqual({ written: 1, duplicate: false });
    await addUsageBatch(t.store, aggregateUsageEvents(second));

    const result = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + MINUTE) }, "minute");
    if (!result.ok) throw new Error(result.message);
    const all = [...first, ...second];
    expect(result.totals).toMatchObject(expectedTotals(all));
    const latencyTotal = all.reduce((a, e) => a + e.latencyMs, 0);
    expect(result.totals.avgLatencyMs).toBeCloseTo(latencyTotal / all.length, 3);
    expect(result.series).toHaveLength(1);
    expect(result.series[0]).toMatchObject({ start: T0, calls: 420 });

    // One stored row, its histogram adding up to every call.
    const stored = await t.store.client.execute("select count(*) as n, sum(calls) as calls from usage_minutes");
    expect(stored.rows[0]).toMatchObject({ n: 1, calls: 420 });
  });

  it("merges rows with the same key inside one batch and keeps other keys apart", async () => {
    const a = aggregateUsageEvents(events(10));
    const b = aggregateUsageEvents(events(5, { operationId: "getAlerts" }));
    const anonymous = aggregateUsageEvents(events(3, { subscriptionId: null, userId: null }));
    await addUsageBatch(t.store, [...a, ...a, ...b, ...anonymous]);
    const range = { from: T0, to: new Date(T0.getTime() + MINUTE) };
    const ops = await usageBreakdown(t.store, range, "operation");
    if (!ops.ok) throw new Error(ops.message);
    expect(ops.rows.map((r) => [r.key, r.totals.calls])).toEqual([
      [{ apiId: "weather", operationId: "getForecast" }, 23],
      [{ apiId: "weather", operationId: "getAlerts" }, 5],
    ]);
    const subs = await usageBreakdown(t.store, range, "subscription");
    if (!subs.ok) throw new Error(subs.message);
    expect(subs.rows.map((r) => [r.key.subscriptionId, r.totals.calls])).toEqual([
      ["sub1", 25],
      ["", 3],
    ]);
  });

  it("writes batches larger than one statement in one go", async () => {
    const many = Array.from({ length: 1203 }, (_, i) => events(1, { at: T0.getTime() + i * MINUTE })[0]!);
    expect(await addUsageBatch(t.store, aggregateUsageEvents(many))).toEqual({ written: 1203, duplicate: false });
    const result = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + 1203 * MINUTE) }, "hour");
    if (!result.ok) throw new Error(result.message);
    expect(result.totals.calls).toBe(1203);
    expect(result.series.map((p) => p.calls)).toEqual([...Array(20).fill(60), 3]);
  });

  it("concurrent flushes for the same minute lose nothing", async () => {
    const batches = Array.from({ length: 10 }, (_, i) => aggregateUsageEvents(events(30, {}, T0.getTime() + i)));
    await Promise.all(batches.map((rows) => addUsageBatch(t.store, rows)));
    const result = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + MINUTE) }, "minute");
    expect(result).toMatchObject({ ok: true, totals: { calls: 300 } });
  });

  it("an empty batch writes nothing", async () => {
    expect(await addUsageBatch(t.store, [])).toEqual({ written: 0, duplicate: false });
  });
});

describe("querying", () => {
  async function seed() {
    // Two subscriptions of two users, two APIs, over two days.
    const list: UsageEvent[] = [
      ...events(60, { at: T0.getTime() }),
      ...events(30, { at: T0.getTime() + 90 * MINUTE, apiId: "status", operationId: "health", productId: "starter" }),
      ...events(20, { at: T0.getTime() + DAY, subscriptionId: "sub2", userId: "user2", productId: "premium" }),
    ];
    await addUsageBatch(t.store, aggregateUsageEvents(list));
  }

  it("filters by user, subscription, product, API and operation", async () => {
    await seed();
    const range = { from: T0, to: new Date(T0.getTime() + 2 * DAY) };
    const calls = async (filter: object) => {
      const r = await queryUsage(t.store, { ...range, ...filter }, "day");
      if (!r.ok) throw new Error(r.message);
      return r.totals.calls;
    };
    expect(await calls({})).toBe(110);
    expect(await calls({ userId: "user1" })).toBe(90);
    expect(await calls({ subscriptionId: "sub2" })).toBe(20);
    expect(await calls({ productId: "starter" })).toBe(30);
    expect(await calls({ apiId: "weather" })).toBe(80);
    expect(await calls({ apiId: "weather", operationId: "getForecast" })).toBe(80);
    expect(await calls({ operationId: "health" })).toBe(30);
    expect(await calls({ userId: "nobody" })).toBe(0);
  });

  it("fills empty intervals with zeros, aligned to UTC hours and days", async () => {
    await seed();
    const hours = await queryUsage(t.store, { from: new Date(T0.getTime() - 30 * MINUTE), to: new Date(T0.getTime() + 3 * HOUR) }, "hour");
    if (!hours.ok) throw new Error(hours.message);
    expect(hours.series.map((p) => [p.start.toISOString(), p.calls])).toEqual([
      ["2026-03-01T11:00:00.000Z", 0],
      ["2026-03-01T12:00:00.000Z", 60],
      ["2026-03-01T13:00:00.000Z", 30],
      ["2026-03-01T14:00:00.000Z", 0],
    ]);
    expect(hours.series[0]).toMatchObject({ avgLatencyMs: null, p50: null, p95: null, maxLatencyMs: null });

    const days = await queryUsage(t.store, { from: new Date("2026-02-28T00:00:00Z"), to: new Date("2026-03-03T00:00:00Z") }, "day");
    if (!days.ok) throw new Error(days.message);
    expect(days.series.map((p) => [p.start.toISOString().slice(0, 10), p.calls])).toEqual([
      ["2026-02-28", 0],
      ["2026-03-01", 90],
      ["2026-03-02", 20],
    ]);
  });

  it("the range is [from, to): a call at `to` belongs to the next range", async () => {
    await addUsageBatch(t.store, aggregateUsageEvents(events(1, { at: T0.getTime() + MINUTE })));
    const r = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + MINUTE) }, "minute");
    expect(r).toMatchObject({ ok: true, totals: { calls: 0 } });
  });

  it("estimates p50 and p95 from the histogram", async () => {
    // 100 calls at 1..100 ms: true p50 = 50, p95 = 95.
    const list = Array.from({ length: 100 }, (_, i) => events(1, { latencyMs: i + 1 })[0]!);
    await addUsageBatch(t.store, aggregateUsageEvents(list));
    const r = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + MINUTE) }, "minute");
    if (!r.ok) throw new Error(r.message);
    expect(r.totals.p50).toBe(50);
    // Uniform within each bucket, so linear interpolation is exact here.
    expect(r.totals.p95).toBe(95);
    expect(r.totals.maxLatencyMs).toBe(100);
    expect(r.totals.avgLatencyMs).toBe(50.5);
  });

  it("breaks usage down by each dimension, busiest first, with a limit", async () => {
    await seed();
    const range = { from: T0, to: new Date(T0.getTime() + 2 * DAY) };
    const by = async (dimension: "user" | "product" | "api", limit?: number) => {
      const r = await usageBreakdown(t.store, range, dimension, { limit });
      if (!r.ok) throw new Error(r.message);
      return r.rows.map((row) => [Object.values(row.key).join("/"), row.totals.calls]);
    };
    expect(await by("user")).toEqual([["user1", 90], ["user2", 20]]);
    expect(await by("product")).toEqual([["basic", 60], ["starter", 30], ["premium", 20]]);
    expect(await by("api", 1)).toEqual([["weather", 80]]);
  });

  it("deletes rows older than a retention cut-off", async () => {
    await seed();
    expect(await deleteUsageBefore(t.store, new Date(T0.getTime() + DAY))).toBe(2);
    const r = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + 2 * DAY) }, "day");
    expect(r).toMatchObject({ ok: true, totals: { calls: 20 } });
  });
});

describe("errors", () => {
  it("refuses an empty or inverted range", async () => {
    expect(await queryUsage(t.store, { from: T0, to: T0 }, "minute")).toEqual({ ok: false, code: "VALIDATION_FAILED", message: "`to` must be after `from`." });
    expect(await usageBreakdown(t.store, { from: T0, to: new Date(Number.NaN) }, "api")).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
  });

  it("refuses a series with too many points, suggesting a coarser interval", async () => {
    const r = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + 7 * DAY) }, "minute");
    expect(r).toEqual({
      ok: false,
      code: "VALIDATION_FAILED",
      message: `That range has 10080 minutes; choose a coarser interval or a shorter range (at most ${MAX_SERIES_POINTS} points).`,
    });
  });

  it("throws on a malformed row instead of corrupting totals, and writes nothing of that batch", async () => {
    const good = aggregateUsageEvents(events(5));
    const bad = { ...emptyUsageRow({ minute: minuteOf(T0), subscriptionId: "", userId: "", productId: "", apiId: "status", operationId: "" }), calls: 1.5 };
    await expect(addUsageBatch(t.store, [...good, bad])).rejects.toThrow("Usage row field calls is not a count: 1.5");
    const short = { ...good[0]!, histogram: [1, 2] };
    await expect(addUsageBatch(t.store, [short])).rejects.toThrow(/histogram must be 13 counts/);
    const r = await queryUsage(t.store, { from: T0, to: new Date(T0.getTime() + MINUTE) }, "minute");
    expect(r).toMatchObject({ ok: true, totals: { calls: 0 } });
  });
});

describe("helpers", () => {
  it("classifies outcomes: backend failures first, then gateway refusals, then client errors", () => {
    expect(classifyOutcome(200)).toBe("success");
    expect(classifyOutcome(304)).toBe("success");
    expect(classifyOutcome(404)).toBe("clientError");
    expect(classifyOutcome(401, { refusedByGateway: true })).toBe("blocked");
    expect(classifyOutcome(429, { refusedByGateway: true })).toBe("blocked");
    // A 403 from the backend is the backend's answer, not a gateway refusal.
    expect(classifyOutcome(403)).toBe("clientError");
    expect(classifyOutcome(502, { refusedByGateway: true })).toBe("failed");
    expect(classifyOutcome(200, { backendError: true })).toBe("failed");
    expect(classifyOutcome(500)).toBe("failed");
  });

  it("puts latencies in inclusive upper-bound buckets", () => {
    expect(LATENCY_BUCKETS_MS).toHaveLength(13);
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.01)).toBe(1);
    expect(latencyBucket(5000)).toBe(11);
    expect(latencyBucket(5000.1)).toBe(12);
  });

  it("estimates percentiles within the bucket, bounded by the maximum", () => {
    const h = new Array(13).fill(0);
    expect(estimatePercentile(h, 0.5, 0)).toBeNull();
    h[12] = 10; // all slower than 5 s, the slowest 8 s
    expect(estimatePercentile(h, 1, 8000)).toBe(8000);
    expect(estimatePercentile(h, 0.5, 8000)).toBe(6500);
    const one = new Array(13).fill(0);
    one[6] = 4; // (50, 100] ms, max seen 60 ms
    expect(estimatePercentile(one, 0.5, 60)).toBe(55);
  });
});

describe("usage batches from gateway nodes", () => {
  it("adds a batch once however often its sender retries it", async () => {
    const s = t.store;
    const row = { ...emptyUsageRow({ minute: 29_000_000, subscriptionId: "sub-b", userId: "", productId: "basic", apiId: "weather", operationId: "getForecast" }), calls: 5, success: 5 };
    row.histogram[0] = 5;
    expect(await addUsageBatch(s, [row], { batchId: "node-a:1" })).toEqual({ written: 1, duplicate: false });
    expect(await addUsageBatch(s, [row], { batchId: "node-a:1" })).toEqual({ written: 0, duplicate: true });
    expect(await addUsageBatch(s, [row], { batchId: "node-a:2" })).toEqual({ written: 1, duplicate: false });
    const r = await queryUsage(s, { subscriptionId: "sub-b", from: new Date(29_000_000 * 60_000), to: new Date(29_000_001 * 60_000) }, "minute");
    expect(r.ok && r.totals.calls).toBe(10);
    expect(await pruneUsageBatches(s, new Date(Date.now() + 1_000))).toBe(2);
  });
});
