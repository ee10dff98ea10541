/**
 * The access log: one JSON line per call, sampled, written off the hot path.
 * Lines are queued and written in one `write` per tick, so a call costs an
 * array push; the query string is never logged (it may carry a key).
 */
import type { Writable } from "node:stream";
import type { CallRecord } from "../usage/event.ts";

export interface AccessLogOptions {
  /** Fraction of calls logged, 0–1. Errors (status ≥ 500) are always logged. */
  sample: number;
  stream?: Writable;
  /** Queued lines beyond this are dropped and counted (a stalled stdout must not grow memory). */
  maxQueued?: number;
}

export class AccessLog {
  #queue: string[] = [];
  #scheduled = false;
  #sample: number;
  #stream: Writable;
  #maxQueued: number;
  dropped = 0;

  constructor(options: AccessLogOptions) {
    this.#sample = options.sample;
    this.#stream = options.stream ?? process.stdout;
    this.#maxQueued = options.maxQueued ?? 10_000;
  }

  record = (call: CallRecord): void => {
    if (call.status < 500 && (this.#sample <= 0 || (this.#sample < 1 && Math.random() >= this.#sample))) return;
    if (this.#queue.length >= this.#maxQueued) {
      this.dropped++;
      return;
    }
    this.#queue.push(
      JSON.stringify({
        time: new Date(call.at).toISOString(),
        level: "info",
        msg: "call",
        requestId: call.requestId,
        method: call.method,
        path: call.path,
        status: call.status,
        outcome: call.outcome,
        latencyMs: round(call.latencyMs),
        backendMs: round(call.backendLatencyMs),
        api: call.apiId || undefined,
        operation: call.operationId ?? undefined,
        product: call.productId ?? undefined,
        subscription: call.subscriptionId ?? undefined,
        clientIp: call.clientIp,
        bytesIn: call.bytesIn,
        bytesOut: call.bytesOut,
        errorCode: call.errorCode,
      }),
    );
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  };

  #flush = (): void => {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const text = this.#queue.join("\n") + "\n";
    this.#queue = [];
    this.#stream.write(text);
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
