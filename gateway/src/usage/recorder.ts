/**
 * Usage recording off the hot path. Each call is folded at once into an
 * in-memory per-minute aggregate (a map lookup and a few additions), and
 * once per flush interval the aggregates are written in one batch.
 *
 * Bounds: the pending map holds at most `maxRows` distinct
 * (minute, subscription, API, operation) rows. A call for a row already
 * pending never grows it; a call that would add a row beyond the bound is
 * dropped, counted and logged (never silently). When a write fails, its
 * rows go back into the pending map to be retried with the next flush.
 *
 * What a crash can lose: the calls of the current flush interval (1 s by
 * default), plus whatever is pending while the database refuses writes.
 * A clean shutdown flushes everything.
 */
import type { Logger } from "../log.ts";
import { addEventToRow, emptyUsageRow, mergeRow, rowKey, type UsageRow } from "./aggregate.ts";
import type { CallRecord, UsageSink } from "./event.ts";

export type UsageWriter = (rows: UsageRow[]) => Promise<void>;

export interface UsageRecorderOptions {
  write: UsageWriter;
  logger: Logger;
  flushMs?: number;
  maxRows?: number;
}

export interface UsageStats {
  recorded: number;
  written: number;
  dropped: number;
  failedFlushes: number;
  pendingRows: number;
  lastFlushMs: number;
}

export class UsageRecorder implements UsageSink {
  #pending = new Map<string, UsageRow>();
  #write: UsageWriter;
  #logger: Logger;
  #flushMs: number;
  #maxRows: number;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | null = null;
  #lastDropLog = 0;
  #stats: UsageStats = { recorded: 0, written: 0, dropped: 0, failedFlushes: 0, pendingRows: 0, lastFlushMs: 0 };

  constructor(options: UsageRecorderOptions) {
    this.#write = options.write;
    this.#logger = options.logger;
    this.#flushMs = options.flushMs ?? 1000;
    this.#maxRows = options.maxRows ?? 50_000;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.flush(), this.#flushMs);
    this.#timer.unref();
  }

  get stats(): UsageStats {
    return { ...this.#stats, pendingRows: this.#pending.size };
  }

  record(call: CallRecord): void {
    const minute = Math.floor(call.at / 60_000);
    const subscriptionId = call.subscriptionId ?? "";
    const operationId = call.operationId ?? "";
    const key = rowKey({ minute, subscriptionId, apiId: call.apiId, operationId });
    let row = this.#pending.get(key);
    if (row === undefined) {
      if (this.#pending.size >= this.#maxRows) {
        this.#drop(1);
        return;
      }
      row = emptyUsageRow({ minute, subscriptionId, userId: call.userId ?? "", productId: call.productId ?? "", apiId: call.apiId, operationId });
      this.#pending.set(key, row);
    }
    addEventToRow(row, call);
    this.#stats.recorded++;
  }

  /** Writes everything pending; concurrent calls share one write. */
  flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    if (this.#pending.size === 0) return Promise.resolve();
    const batch = this.#pending;
    this.#pending = new Map();
    const rows = [...batch.values()];
    const started = performance.now();
    this.#flushing = this.#write(rows)
      .then(
        () => {
          this.#stats.written += rows.reduce((n, r) => n + r.calls, 0);
          this.#stats.lastFlushMs = performance.now() - started;
        },
        (err: unknown) => {
          this.#stats.failedFlushes++;
          this.#logger.warn("usage flush failed; rows kept for the next flush", {
            rows: rows.length,
            error: err instanceof Error ? err.message : String(err),
          });
          this.#requeue(batch);
        },
      )
      .finally(() => {
        this.#flushing = null;
      });
    return this.#flushing;
  }

  /** Stops the timer and writes what is pending (retrying a few times). */
  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.#flushing) await this.#flushing;
      await this.flush();
      if (this.#pending.size === 0) return;
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
    const lost = [...this.#pending.values()].reduce((n, r) => n + r.calls, 0);
    this.#logger.error("usage could not be written at shutdown", { calls: lost });
    this.#stats.dropped += lost;
  }

  #requeue(batch: Map<string, UsageRow>): void {
    for (const [key, row] of batch) {
      const current = this.#pending.get(key);
      if (current) mergeRow(current, row);
      else if (this.#pending.size < this.#maxRows) this.#pending.set(key, row);
      else this.#drop(row.calls);
    }
  }

  #drop(calls: number): void {
    this.#stats.dropped += calls;
    const now = Date.now();
    if (now - this.#lastDropLog > 10_000) {
      this.#lastDropLog = now;
      this.#logger.warn("usage buffer full; calls dropped from usage analytics", { droppedTotal: this.#stats.dropped, maxRows: this.#maxRows });
    }
  }
}
