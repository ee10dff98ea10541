import { describe, expect, it } from "vitest";
import { silentLogger } from "../log.ts";
import type { UsageRow } from "./aggregate.ts";
import type { CallRecord } from "./event.ts";
import { UsageRecorder } from "./recorder.ts";

function event(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    at: Date.UTC(2026, 10, 23, 10, 0, 30),
    requestId: "r",
    userId: "u1",
    subscriptionId: "s1",
    productId: "basic",
    apiId: "weather",
    operationId: "getForecast",
    method: "GET",
    path: "/weather/v1/forecast",
    status: 200,
    outcome: "success",
    latencyMs: 3,
    backendLatencyMs: 2,
    bytesIn: 100,
    bytesOut: 400,
    clientIp: "127.0.0.1",
    ...overrides,
  };
}

describe("UsageRecorder", () => {
  it("folds calls of one minute into one row and writes them in one batch", async () => {
    const batches: UsageRow[][] = [];
    const recorder = new UsageRecorder({ logger: silentLogger, write: async (rows) => void batches.push(rows.map((r) => ({ ...r }))) });
    for (let i = 0; i < 300; i++) recorder.record(event());
    recorder.record(event({ status: 429, outcome: "blocked", latencyMs: 0.2 }));
    recorder.record(event({ status: 502, outcome: "failed" }));
    recorder.record(event({ status: 404, outcome: "clientError" }));
    await recorder.flush();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1);
    const row = batches[0]![0]!;
    expect(row).toMatchObject({ calls: 303, success: 300, blocked: 1, failed: 1, clientErrors: 1, bytesIn: 30300, bytesOut: 121200 });
    expect(row.minute).toBe(Math.floor(Date.UTC(2026, 10, 23, 10, 0, 30) / 60000));
    expect(row.histogram.reduce((a, b) => a + b, 0)).toBe(303);
    expect(recorder.stats).toMatchObject({ recorded: 303, written: 303, dropped: 0, pendingRows: 0 });
  });

  it("keeps rows of a failed write and writes them with the next flush", async () => {
    let fail = true;
    const written: UsageRow[] = [];
    const recorder = new UsageRecorder({
      logger: silentLogger,
      write: async (rows) => {
        if (fail) throw new Error("database is locked");
        written.push(...rows);
      },
    });
    for (let i = 0; i < 10; i++) recorder.record(event());
    await recorder.flush();
    expect(recorder.stats).toMatchObject({ failedFlushes: 1, pendingRows: 1, written: 0 });
    for (let i = 0; i < 5; i++) recorder.record(event());
    fail = false;
    await recorder.flush();
    expect(written).toHaveLength(1);
    expect(written[0]!.calls).toBe(15);
  });

  it("stays bounded: calls that would add a row beyond maxRows are dropped and counted", async () => {
    const recorder = new UsageRecorder({ logger: silentLogger, maxRows: 2, write: async () => {} });
    recorder.record(event({ operationId: "a" }));
    recorder.record(event({ operationId: "b" }));
    recorder.record(event({ operationId: "c" }));
    recorder.record(event({ operationId: "a" }));
    expect(recorder.stats).toMatchObject({ recorded: 3, dropped: 1, pendingRows: 2 });
  });

  it("flushes everything on close", async () => {
    let total = 0;
    const recorder = new UsageRecorder({ logger: silentLogger, flushMs: 60_000, write: async (rows) => void (total += rows.reduce((n, r) => n + r.calls, 0)) });
    recorder.start();
    for (let i = 0; i < 42; i++) recorder.record(event({ at: Date.UTC(2026, 0, 1, 0, i % 3) }));
    await recorder.close();
    expect(total).toBe(42);
  });
});
