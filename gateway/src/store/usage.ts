/**
 * Usage analytics: per-minute aggregates written in batches, read back as
 * totals and a series.
 *
 * The gateway never writes per call. It folds calls into rows keyed by
 * (minute, subscription, API, operation) in memory and flushes a batch every
 * few seconds; `addUsageBatch` upserts the batch in one transaction, adding
 * to rows that already exist, so two flushes (or two gateway nodes) for the
 * same minute sum exactly.
 *
 * Latency percentiles come from a fixed histogram (LATENCY_BUCKETS_MS): exact
 * percentiles would need every sample, and bucket counts add across rows and
 * nodes where samples cannot. The estimate interpolates within a bucket.
 */
import { and, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { clampLimit, fail, withTransaction, type Failure, type StoreHandle } from "./outcome.ts";
import {
  COUNTER_FIELDS,
  LATENCY_BUCKETS_MS,
  SUM_FIELDS,
  mergeRow,
  rowKey,
  type UsageRow,
} from "../usage/aggregate.ts";
import { usageBatches, usageMinutes, type UsageMinuteRow } from "./schema.ts";

export {
  LATENCY_BUCKETS_MS,
  addEventToRow,
  aggregateUsageEvents,
  classifyOutcome,
  emptyUsageRow,
  latencyBucket,
  type UsageEvent,
  type UsageOutcome,
  type UsageRow,
} from "../usage/aggregate.ts";

/** The row fields in histogram order, matching LATENCY_BUCKETS_MS. */
const HISTOGRAM_FIELDS = [
  "hLe1",
  "hLe2",
  "hLe5",
  "hLe10",
  "hLe25",
  "hLe50",
  "hLe100",
  "hLe250",
  "hLe500",
  "hLe1000",
  "hLe2500",
  "hLe5000",
  "hInf",
] as const satisfies readonly (keyof UsageMinuteRow)[];

/**
 * Rows are built by our own code; a malformed one is a bug upstream, and
 * writing it would corrupt totals that cannot be corrected later, so it
 * throws instead of being written.
 */
function checkRow(row: UsageRow): void {
  if (!Number.isSafeInteger(row.minute) || row.minute < 0) throw new TypeError(`Usage row has an invalid minute: ${row.minute}`);
  if (row.apiId === "") throw new TypeError("Usage row has no apiId");
  for (const field of COUNTER_FIELDS) {
    if (!Number.isSafeInteger(row[field]) || row[field] < 0) throw new TypeError(`Usage row field ${field} is not a count: ${row[field]}`);
  }
  for (const field of ["latencyTotalMs", "latencyMaxMs", "backendLatencyTotalMs"] as const) {
    if (!Number.isFinite(row[field]) || row[field] < 0) throw new TypeError(`Usage row field ${field} is invalid: ${row[field]}`);
  }
  if (row.histogram.length !== LATENCY_BUCKETS_MS.length || row.histogram.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new TypeError(`Usage row histogram must be ${LATENCY_BUCKETS_MS.length} counts`);
  }
}

/**
 * About 30 parameters per row; SQLite allows 32,766 per statement. 500 rows
 * stays far below that and keeps each statement short.
 */
const ROWS_PER_STATEMENT = 500;

const excluded = (column: { name: string }) => sql.raw(`excluded."${column.name}"`);

/** Column-wise "add the incoming row to the stored one". */
const ADD_ON_CONFLICT = (() => {
  const set: Record<string, SQL> = {};
  for (const field of [...SUM_FIELDS, ...HISTOGRAM_FIELDS]) {
    const column = usageMinutes[field];
    set[field] = sql`${column} + ${excluded(column)}`;
  }
  set.latencyMaxMs = sql`max(${usageMinutes.latencyMaxMs}, ${excluded(usageMinutes.latencyMaxMs)})`;
  // Keep the attribution if an earlier write lacked it (a key cache miss).
  set.userId = sql`case when ${usageMinutes.userId} = '' then ${excluded(usageMinutes.userId)} else ${usageMinutes.userId} end`;
  set.productId = sql`case when ${usageMinutes.productId} = '' then ${excluded(usageMinutes.productId)} else ${usageMinutes.productId} end`;
  return set;
})();

/**
 * Writes a batch: rows with the same key are merged first, then every row is
 * upserted in one transaction, adding to what is stored. All or nothing: a
 * failed flush can be retried whole without counting anything twice.
 */
export async function addUsageBatch(
  store: StoreHandle,
  rows: readonly UsageRow[],
  options: { batchId?: string; now?: Date } = {},
): Promise<{ written: number; duplicate: boolean }> {
  const merged = new Map<string, UsageRow>();
  for (const row of rows) {
    checkRow(row);
    const id = rowKey(row);
    const existing = merged.get(id);
    if (existing === undefined) merged.set(id, { ...row, histogram: [...row.histogram] });
    else mergeRow(existing, row);
  }
  if (merged.size === 0) return { written: 0, duplicate: false };

  const values = [...merged.values()].map((row) => {
    const { histogram, ...rest } = row;
    const record: Record<string, unknown> = { ...rest };
    HISTOGRAM_FIELDS.forEach((field, i) => (record[field] = histogram[i]));
    return record as typeof usageMinutes.$inferInsert;
  });

  const duplicate = await withTransaction(store, async (tx) => {
    if (options.batchId !== undefined) {
      // Claimed in the same transaction as the rows: both land or neither.
      const claimed = await tx.db
        .insert(usageBatches)
        .values({ id: options.batchId, receivedAt: options.now ?? new Date() })
        .onConflictDoNothing()
        .returning({ id: usageBatches.id });
      if (claimed.length === 0) return true;
    }
    for (let i = 0; i < values.length; i += ROWS_PER_STATEMENT) {
      await tx.db
        .insert(usageMinutes)
        .values(values.slice(i, i + ROWS_PER_STATEMENT))
        .onConflictDoUpdate({
          target: [usageMinutes.minute, usageMinutes.subscriptionId, usageMinutes.apiId, usageMinutes.operationId],
          set: ADD_ON_CONFLICT,
        });
    }
    return false;
  });
  return { written: duplicate ? 0 : values.length, duplicate };
}

/** Forgets batch ids older than `before`; a sender retries for minutes, not days. */
export async function pruneUsageBatches(store: StoreHandle, before: Date): Promise<number> {
  const deleted = await store.db.delete(usageBatches).where(lt(usageBatches.receivedAt, before)).returning({ id: usageBatches.id });
  return deleted.length;
}

export interface UsageTotals {
  calls: number;
  success: number;
  blocked: number;
  failed: number;
  clientErrors: number;
  bytesIn: number;
  bytesOut: number;
  /** null when there were no calls. */
  avgLatencyMs: number | null;
  avgBackendLatencyMs: number | null;
  /** Estimated from the histogram; null when there were no calls. */
  p50: number | null;
  p95: number | null;
  maxLatencyMs: number | null;
}

export interface UsagePoint extends UsageTotals {
  /** Start of the bucket (UTC). */
  start: Date;
}

export type UsageInterval = "minute" | "hour" | "day";

const INTERVAL_MINUTES: Record<UsageInterval, number> = { minute: 1, hour: 60, day: 1440 };

/** A series longer than this is refused: the caller should pick a coarser interval. */
export const MAX_SERIES_POINTS = 2000;

export interface UsageFilter {
  userId?: string;
  /** '' selects anonymous calls. */
  subscriptionId?: string;
  productId?: string;
  apiId?: string;
  operationId?: string;
  /** Inclusive; rounded down to its minute. */
  from: Date;
  /** Exclusive; rounded up to a minute. */
  to: Date;
}

export type UsageQueryResult =
  | { ok: true; totals: UsageTotals; series: UsagePoint[] }
  | Failure<"VALIDATION_FAILED">;

/**
 * Totals over the range and a series with one point per interval (UTC
 * minutes, hours or days), empty intervals included as zeros so a chart has
 * no holes.
 */
export async function queryUsage(store: StoreHandle, filter: UsageFilter, interval: UsageInterval): Promise<UsageQueryResult> {
  const range = minuteRange(filter);
  if (!range.ok) return range;
  const step = INTERVAL_MINUTES[interval];
  const firstBucket = Math.floor(range.from / step) * step;
  const points = Math.ceil((range.to - firstBucket) / step);
  if (points > MAX_SERIES_POINTS) {
    return fail("VALIDATION_FAILED", `That range has ${points} ${interval}s; choose a coarser interval or a shorter range (at most ${MAX_SERIES_POINTS} points).`);
  }

  const bucket = step === 1 ? sql<number>`${usageMinutes.minute}` : sql<number>`(${usageMinutes.minute} / ${sql.raw(String(step))}) * ${sql.raw(String(step))}`;
  const rows = await store.db
    .select({ bucket: bucket.mapWith(Number), ...aggregateColumns() })
    .from(usageMinutes)
    .where(whereOf(filter, range))
    .groupBy(bucket)
    .orderBy(bucket);

  const byBucket = new Map(rows.map((r) => [r.bucket, r]));
  const series: UsagePoint[] = [];
  const all = emptyAggregate();
  for (let b = firstBucket; b < range.to; b += step) {
    const row = byBucket.get(b);
    const agg = row === undefined ? emptyAggregate() : toAggregate(row);
    addAggregate(all, agg);
    series.push({ start: new Date(b * 60_000), ...totalsOf(agg) });
  }
  return { ok: true, totals: totalsOf(all), series };
}

export type UsageDimension = "subscription" | "user" | "product" | "api" | "operation";

export interface UsageBreakdownRow {
  /** The dimension's ids: `{subscriptionId}`, `{apiId, operationId}`, … */
  key: Partial<Record<"subscriptionId" | "userId" | "productId" | "apiId" | "operationId", string>>;
  totals: UsageTotals;
}

const DIMENSION_COLUMNS = {
  subscription: ["subscriptionId"],
  user: ["userId"],
  product: ["productId"],
  api: ["apiId"],
  operation: ["apiId", "operationId"],
} as const satisfies Record<UsageDimension, readonly (keyof UsageMinuteRow)[]>;

/**
 * Totals per subscription, user, product, API or operation over a range,
 * busiest first: the "top operations" tables of the usage pages.
 */
export async function usageBreakdown(
  store: StoreHandle,
  filter: UsageFilter,
  by: UsageDimension,
  options: { limit?: number } = {},
): Promise<{ ok: true; rows: UsageBreakdownRow[] } | Failure<"VALIDATION_FAILED">> {
  const range = minuteRange(filter);
  if (!range.ok) return range;
  const fields = DIMENSION_COLUMNS[by];
  const keyColumns = Object.fromEntries(fields.map((f) => [f, usageMinutes[f]])) as Record<string, typeof usageMinutes.apiId>;
  const rows = await store.db
    .select({ ...keyColumns, ...aggregateColumns() })
    .from(usageMinutes)
    .where(whereOf(filter, range))
    .groupBy(...fields.map((f) => usageMinutes[f]))
    .orderBy(sql`sum(${usageMinutes.calls}) desc`)
    .limit(clampLimit(options.limit, 50, 1000));
  return {
    ok: true,
    rows: rows.map((row) => ({
      key: Object.fromEntries(fields.map((f) => [f, (row as Record<string, unknown>)[f] as string])),
      totals: totalsOf(toAggregate(row)),
    })),
  };
}

/** Retention: removes rows for minutes before `before`. Returns how many. */
export async function deleteUsageBefore(store: StoreHandle, before: Date): Promise<number> {
  const result = await store.db.delete(usageMinutes).where(lt(usageMinutes.minute, Math.floor(before.getTime() / 60_000)));
  return result.rowsAffected;
}

/**
 * The latency at quantile `q` (0..1) estimated from bucket counts: find the
 * bucket holding the q-th call and interpolate linearly inside it. The top
 * of every bucket is capped by the largest latency seen, which also bounds
 * the open-ended last bucket.
 */
export function estimatePercentile(histogram: readonly number[], q: number, maxLatencyMs: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let cumulative = 0;
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i]!;
    if (n === 0) continue;
    if (cumulative + n >= rank) {
      const upper = Math.min(LATENCY_BUCKETS_MS[i]!, maxLatencyMs);
      const lower = Math.min(i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!, upper);
      return lower + (upper - lower) * ((rank - cumulative) / n);
    }
    cumulative += n;
  }
  return maxLatencyMs;
}

// ---------------------------------------------------------------------------

/** The summable part of usage rows, for totals and series. */
type Aggregate = Pick<UsageRow, (typeof SUM_FIELDS)[number] | "latencyMaxMs" | "histogram">;

function aggregateColumns() {
  const columns: Record<string, SQL.Aliased<number> | SQL<number>> = {};
  for (const field of [...SUM_FIELDS, ...HISTOGRAM_FIELDS]) {
    columns[field] = sql<number>`coalesce(sum(${usageMinutes[field]}), 0)`.mapWith(Number);
  }
  columns.latencyMaxMs = sql<number>`coalesce(max(${usageMinutes.latencyMaxMs}), 0)`.mapWith(Number);
  return columns as Record<(typeof SUM_FIELDS)[number] | (typeof HISTOGRAM_FIELDS)[number] | "latencyMaxMs", SQL<number>>;
}

function toAggregate(row: Record<string, unknown>): Aggregate {
  const agg = emptyAggregate();
  for (const field of SUM_FIELDS) agg[field] = Number(row[field] ?? 0);
  agg.latencyMaxMs = Number(row.latencyMaxMs ?? 0);
  agg.histogram = HISTOGRAM_FIELDS.map((f) => Number(row[f] ?? 0));
  return agg;
}

function emptyAggregate(): Aggregate {
  return {
    calls: 0,
    success: 0,
    blocked: 0,
    failed: 0,
    clientErrors: 0,
    bytesIn: 0,
    bytesOut: 0,
    latencyTotalMs: 0,
    backendLatencyTotalMs: 0,
    latencyMaxMs: 0,
    histogram: new Array<number>(LATENCY_BUCKETS_MS.length).fill(0),
  };
}

function addAggregate(into: Aggregate, from: Aggregate): void {
  for (const field of SUM_FIELDS) into[field] += from[field];
  into.latencyMaxMs = Math.max(into.latencyMaxMs, from.latencyMaxMs);
  for (let i = 0; i < into.histogram.length; i++) into.histogram[i]! += from.histogram[i]!;
}

function totalsOf(agg: Aggregate): UsageTotals {
  const none = agg.calls === 0;
  return {
    calls: agg.calls,
    success: agg.success,
    blocked: agg.blocked,
    failed: agg.failed,
    clientErrors: agg.clientErrors,
    bytesIn: agg.bytesIn,
    bytesOut: agg.bytesOut,
    avgLatencyMs: none ? null : round3(agg.latencyTotalMs / agg.calls),
    avgBackendLatencyMs: none ? null : round3(agg.backendLatencyTotalMs / agg.calls),
    p50: none ? null : round3(estimatePercentile(agg.histogram, 0.5, agg.latencyMaxMs)!),
    p95: none ? null : round3(estimatePercentile(agg.histogram, 0.95, agg.latencyMaxMs)!),
    maxLatencyMs: none ? null : round3(agg.latencyMaxMs),
  };
}

/** Microsecond precision: enough for a gateway, and free of float noise in JSON. */
function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function minuteRange(filter: UsageFilter): { ok: true; from: number; to: number } | Failure<"VALIDATION_FAILED"> {
  const fromMs = filter.from.getTime();
  const toMs = filter.to.getTime();
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return fail("VALIDATION_FAILED", "`from` and `to` must be valid times.");
  if (toMs <= fromMs) return fail("VALIDATION_FAILED", "`to` must be after `from`.");
  return { ok: true, from: Math.floor(fromMs / 60_000), to: Math.ceil(toMs / 60_000) };
}

function whereOf(filter: UsageFilter, range: { from: number; to: number }): SQL {
  const conditions: SQL[] = [gte(usageMinutes.minute, range.from), lt(usageMinutes.minute, range.to)];
  if (filter.userId !== undefined) conditions.push(eq(usageMinutes.userId, filter.userId));
  if (filter.subscriptionId !== undefined) conditions.push(eq(usageMinutes.subscriptionId, filter.subscriptionId));
  if (filter.productId !== undefined) conditions.push(eq(usageMinutes.productId, filter.productId));
  if (filter.apiId !== undefined) conditions.push(eq(usageMinutes.apiId, filter.apiId));
  if (filter.operationId !== undefined) conditions.push(eq(usageMinutes.operationId, filter.operationId));
  return and(...conditions)!;
}
