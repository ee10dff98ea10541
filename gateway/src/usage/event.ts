/**
 * One gateway call, as recorded for usage analytics and the access log.
 * It extends the store's usage event (what the aggregates need) with what
 * the access log shows.
 */
import type { UsageEvent as StoredUsageEvent } from "./aggregate.ts";

export { classifyOutcome, type UsageOutcome } from "./aggregate.ts";

export interface CallRecord extends StoredUsageEvent {
  requestId: string;
  userId: string | null;
  subscriptionId: string | null;
  productId: string | null;
  operationId: string | null;
  method: string;
  /** Path as received (without the query: it may carry a key). */
  path: string;
  status: number;
  /** Time until the backend's headers, ms; 0 when the call never reached it. */
  backendLatencyMs: number;
  clientIp: string;
  /** The stable error code when the gateway answered with an error itself. */
  errorCode?: string;
}

export interface UsageSink {
  record(call: CallRecord): void;
}
