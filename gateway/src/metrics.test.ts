import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "./metrics.ts";

describe("MetricsRegistry", () => {
  it("renders counters, gauges and histograms in the Prometheus text format", () => {
    const m = new MetricsRegistry();
    const calls = m.counter("portico_gateway_requests_total", "Gateway calls by API and status.");
    calls.inc({ api: "weather", status: "200" });
    calls.inc({ api: "weather", status: "200" });
    calls.inc({ status: "429", api: "weather" });
    m.gauge("portico_config_version_info", "Configuration in use.", () => [[{ version: "abc" }, 1]]);
    const h = m.histogram("portico_gateway_latency_seconds", "Latency.", [0.01, 0.1]);
    h.observe(0.005, { api: "weather" });
    h.observe(0.05, { api: "weather" });
    h.observe(3, { api: "weather" });
    expect(m.render()).toBe(
      [
        "# HELP portico_gateway_requests_total Gateway calls by API and status.",
        "# TYPE portico_gateway_requests_total counter",
        'portico_gateway_requests_total{api="weather",status="200"} 2',
        'portico_gateway_requests_total{api="weather",status="429"} 1',
        "# HELP portico_config_version_info Configuration in use.",
        "# TYPE portico_config_version_info gauge",
        'portico_config_version_info{version="abc"} 1',
        "# HELP portico_gateway_latency_seconds Latency.",
        "# TYPE portico_gateway_latency_seconds histogram",
        'portico_gateway_latency_seconds_bucket{api="weather",le="0.01"} 1',
        'portico_gateway_latency_seconds_bucket{api="weather",le="0.1"} 2',
        'portico_gateway_latency_seconds_bucket{api="weather",le="+Inf"} 3',
        'portico_gateway_latency_seconds_sum{api="weather"} 3.055',
        'portico_gateway_latency_seconds_count{api="weather"} 3',
        "",
      ].join("\n"),
    );
  });

  it("returns the same metric for the same name and escapes label values", () => {
    const m = new MetricsRegistry();
    const a = m.counter("x_total", "x");
    expect(m.counter("x_total", "x")).toBe(a);
    a.inc({ path: 'a"b\\c' });
    expect(m.render()).toContain('x_total{path="a\\"b\\\\c"} 1');
  });

  it("updates the same series through a kept handle as through labels", () => {
    const m = new MetricsRegistry();
    const calls = m.counter("c_total", "c");
    const handle = calls.series({ status: "200", api: "a" });
    handle.inc();
    handle.inc(2);
    calls.inc({ api: "a", status: "200" });
    expect(calls.get({ api: "a", status: "200" })).toBe(4);
    const h = m.histogram("h_seconds", "h", [1]);
    h.series({ api: "a" }).observe(0.5);
    h.observe(2, { api: "a" });
    expect(m.render()).toContain('h_seconds_bucket{api="a",le="1"} 1\nh_seconds_bucket{api="a",le="+Inf"} 2\nh_seconds_sum{api="a"} 2.5\nh_seconds_count{api="a"} 2\n');
  });
});
