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
import { LATENCY_BUCKETS_SECONDS, MetricsRegistry } from "../metrics.ts";
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
  const statusLabels = new Map<number, string>();
  return {
    registry,
    onCall(call) {
      let status = statusLabels.get(call.status);
      if (status === undefined) statusLabels.set(call.status, (status = String(call.status)));
      const api = call.apiId || "none";
      requests.inc({ api, status });
      latency.observe(call.latencyMs / 1000, { api });
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
