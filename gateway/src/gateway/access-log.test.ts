import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CallRecord } from "../usage/event.ts";
import { AccessLog } from "./access-log.ts";

const call = (overrides: Partial<CallRecord> = {}): CallRecord => ({
  at: Date.UTC(2026, 10, 23),
  requestId: "r1",
  userId: "u1",
  subscriptionId: "s1",
  productId: "basic",
  apiId: "weather",
  operationId: "getForecast",
  method: "GET",
  path: "/weather/v1/forecast",
  status: 200,
  outcome: "success",
  latencyMs: 1.23456,
  backendLatencyMs: 1,
  bytesIn: 10,
  bytesOut: 20,
  clientIp: "127.0.0.1",
  ...overrides,
});

async function lines(stream: PassThrough): Promise<string[]> {
  await new Promise((r) => setImmediate(r));
  return String(stream.read() ?? "").split("\n").filter(Boolean);
}

describe("AccessLog", () => {
  it("writes one JSON line per call, batched into one write per tick", async () => {
    const stream = new PassThrough();
    let writes = 0;
    stream.on("pipe", () => {});
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string) => {
      writes++;
      return write(chunk);
    }) as typeof stream.write;
    const log = new AccessLog({ sample: 1, stream });
    log.record(call());
    log.record(call({ requestId: "r2", status: 401, outcome: "blocked", errorCode: "MISSING_SUBSCRIPTION_KEY" }));
    const out = await lines(stream);
    expect(writes).toBe(1);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: "call", requestId: "r1", status: 200, latencyMs: 1.235, api: "weather", subscription: "s1", path: "/weather/v1/forecast" }),
      expect.objectContaining({ requestId: "r2", status: 401, errorCode: "MISSING_SUBSCRIPTION_KEY" }),
    ]);
  });

  it("samples ordinary calls but always logs server errors", async () => {
    const stream = new PassThrough();
    const log = new AccessLog({ sample: 0, stream });
    for (let i = 0; i < 50; i++) log.record(call());
    log.record(call({ status: 502, outcome: "failed" }));
    const out = await lines(stream);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!).status).toBe(502);
  });

  it("bounds its queue and counts what it drops", async () => {
    const stream = new PassThrough();
    const log = new AccessLog({ sample: 1, stream, maxQueued: 3 });
    for (let i = 0; i < 5; i++) log.record(call());
    expect(log.dropped).toBe(2);
    expect(await lines(stream)).toHaveLength(3);
  });
});
