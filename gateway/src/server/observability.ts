/**
 * The service's Prometheus metrics: gateway calls and latency by API and
 * status, refusals by code, backend errors, usage recorded, dropped and
 * spooled, the configuration in use, Redis and policy-store errors.
 *
 * Metrics name every API, hidden ones too, so `/metrics` answers only the
 * operator: callers on a loopback address, or with
 * `Authorization: Bearer $PORTICO_METRICS_TOKEN`.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { LATENCY_BUCKETS_SECONDS, MetricsRegistry, type CounterSeries, type HistogramSeries } from "../metrics.ts";
import type { CallRecord } from "../usage/event.ts";

export interface ServiceMetrics {
  registry: MetricsRegistry;
  /** Counts one finished gateway call; cheap enough for every call. */
  onCall(call: CallRecord): void;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new MetricsRegistry();
  const requests = registry.counter("portico_gateway_requests_total", "Gateway calls by API and status code.");
  const latency = registry.histogram("portico_gateway_request_duration_seconds", "Time from a call's arrival to its last byte, by API.", LATENCY_BUCKETS_SECONDS);
  const refusals = registry.counter("portico_gateway_refusals_total", "Calls the gateway answered itself with an error, by error code (keys, limits, quotas, policies).");
  const backendErrors = registry.counter("portico_gateway_backend_errors_total", "Calls whose backend failed (unreachable, timeout), by API and code.");
  // Each API's series, and its request counters by status, made on first use:
  // a call then updates them without building a label key. Bounded by the
  // APIs and the status codes (100–599) seen.
  const byApi = new Map<string, { latency: HistogramSeries; byStatus: Map<number, CounterSeries> }>();
  return {
    registry,
    onCall(call) {
      const api = call.apiId || "none";
      let series = byApi.get(api);
      if (series === undefined) byApi.set(api, (series = { latency: latency.series({ api }), byStatus: new Map() }));
      let counter = series.byStatus.get(call.status);
      if (counter === undefined) series.byStatus.set(call.status, (counter = requests.series({ api, status: String(call.status) })));
      counter.inc();
      series.latency.observe(call.latencyMs / 1000);
      if (call.errorCode !== undefined) {
        if (call.errorCode.startsWith("BACKEND_")) backendErrors.inc({ api, code: call.errorCode });
        else refusals.inc({ code: call.errorCode });
      }
    },
  };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** Whether a request may read `/metrics`. */
export function metricsAccess(token: string | undefined): (req: IncomingMessage | Request, peer?: string) => boolean {
  const expected = token ? Buffer.from(token) : null;
  return (req, peer) => {
    const address = peer ?? (req as IncomingMessage).socket?.remoteAddress ?? "";
    if (LOOPBACK.has(address)) return true;
    if (expected === null) return false;
    const header = "headers" in req && typeof (req.headers as Headers).get === "function" ? (req.headers as Headers).get("authorization") : ((req as IncomingMessage).headers.authorization ?? null);
    const presented = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  };
}
