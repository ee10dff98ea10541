/**
 * Usage aggregation without the database: how a call is classified and
 * folded into per-minute rows. The gateway imports this (a gateway-only node
 * never loads the database client); the store writes and reads the rows.
 *
 * Latency percentiles come from a fixed histogram (LATENCY_BUCKETS_MS): exact
 * percentiles would need every sample, and bucket counts add across rows and
 * nodes where samples cannot.
 */

/**
 * Upper bounds (ms, inclusive) of the latency histogram buckets in
 * `usage_minutes`; the last bucket is everything slower than 5 s. Changing
 * this list changes the table: it needs a migration, never an edit in place.
 */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, Infinity] as const;

/** What became of a call, for the four counters. */
export type UsageOutcome = "success" | "blocked" | "failed" | "clientError";

/**
 * Sorts a call into its counter. Backend failures and 5xx are `failed`
 * whoever answered; a refusal by the gateway itself (missing or invalid key,
 * rate limit, quota, IP filter, any policy rejection) is `blocked`; other 4xx
 * are the caller's mistakes.
 */
export function classifyOutcome(
  status: number,
  options: { refusedByGateway?: boolean; backendError?: boolean } = {},
): UsageOutcome {
  if (options.backendError || status >= 500) return "failed";
  if (options.refusedByGateway) return "blocked";
  if (status >= 400) return "clientError";
  return "success";
}

/** One call, as the gateway records it. */
export interface UsageEvent {
  /** Epoch ms when the call arrived. */
  at: number;
  subscriptionId?: string | null;
  userId?: string | null;
  productId?: string | null;
  apiId: string;
  operationId?: string | null;
  outcome: UsageOutcome;
  bytesIn: number;
  bytesOut: number;
  latencyMs: number;
  /** Time spent waiting for the backend; 0 when the call never reached it. */
  backendLatencyMs?: number;
}

/** One aggregate row: a minute of calls for one (subscription, API, operation). */
export interface UsageRow {
  /** Epoch minutes (floor(ms / 60000)). */
  minute: number;
  /** '' for anonymous calls. */
  subscriptionId: string;
  userId: string;
  productId: string;
  apiId: string;
  /** '' when no operation matched. */
  operationId: string;
  calls: number;
  success: number;
  blocked: number;
  failed: number;
  clientErrors: number;
  bytesIn: number;
  bytesOut: number;
  latencyTotalMs: number;
  latencyMaxMs: number;
  backendLatencyTotalMs: number;
  /** Counts per LATENCY_BUCKETS_MS bucket. */
  histogram: number[];
}

export const COUNTER_FIELDS = ["calls", "success", "blocked", "failed", "clientErrors", "bytesIn", "bytesOut"] as const;
export const SUM_FIELDS = [...COUNTER_FIELDS, "latencyTotalMs", "backendLatencyTotalMs"] as const;

const OUTCOME_FIELD: Record<UsageOutcome, "success" | "blocked" | "failed" | "clientErrors"> = {
  success: "success",
  blocked: "blocked",
  failed: "failed",
  clientError: "clientErrors",
};

/** Index of the histogram bucket a latency falls in. */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length - 1; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length - 1;
}

export function emptyUsageRow(key: Pick<UsageRow, "minute" | "subscriptionId" | "userId" | "productId" | "apiId" | "operationId">): UsageRow {
  return {
    ...key,
    calls: 0,
    success: 0,
    blocked: 0,
    failed: 0,
    clientErrors: 0,
    bytesIn: 0,
    bytesOut: 0,
    latencyTotalMs: 0,
    latencyMaxMs: 0,
    backendLatencyTotalMs: 0,
    histogram: new Array<number>(LATENCY_BUCKETS_MS.length).fill(0),
  };
}

export function rowKey(row: Pick<UsageRow, "minute" | "subscriptionId" | "apiId" | "operationId">): string {
  // \u0000 cannot occur in ids, so the joined key is unambiguous.
  return `${row.minute}\u0000${row.subscriptionId}\u0000${row.apiId}\u0000${row.operationId}`;
}

/** Adds one event to a row with the same key. */
export function addEventToRow(row: UsageRow, event: UsageEvent): void {
  const latency = Math.max(0, event.latencyMs);
  row.calls += 1;
  row[OUTCOME_FIELD[event.outcome]] += 1;
  row.bytesIn += Math.max(0, Math.round(event.bytesIn));
  row.bytesOut += Math.max(0, Math.round(event.bytesOut));
  row.latencyTotalMs += latency;
  row.latencyMaxMs = Math.max(row.latencyMaxMs, latency);
  row.backendLatencyTotalMs += Math.max(0, event.backendLatencyMs ?? 0);
  row.histogram[latencyBucket(latency)]! += 1;
}

/** Folds events into one row per (minute, subscription, API, operation). */
export function aggregateUsageEvents(events: Iterable<UsageEvent>): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const event of events) {
    const key = {
      minute: Math.floor(event.at / 60_000),
      subscriptionId: event.subscriptionId ?? "",
      userId: event.userId ?? "",
      productId: event.productId ?? "",
      apiId: event.apiId,
      operationId: event.operationId ?? "",
    };
    const id = rowKey(key);
    let row = rows.get(id);
    if (row === undefined) rows.set(id, (row = emptyUsageRow(key)));
    addEventToRow(row, event);
  }
  return [...rows.values()];
}

/** Adds `from` into `into` (same key). */
export function mergeRow(into: UsageRow, from: UsageRow): void {
  for (const field of SUM_FIELDS) into[field] += from[field];
  into.latencyMaxMs = Math.max(into.latencyMaxMs, from.latencyMaxMs);
  for (let i = 0; i < into.histogram.length; i++) into.histogram[i]! += from.histogram[i]!;
}

