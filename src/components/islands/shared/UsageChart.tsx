/**
 * One usage chart drawn with uPlot: calls by outcome, or latency. The
 * canvas is decoration for sighted users (aria-hidden); its content is also
 * in the summary sentence and the data table next to it (UsageView). The
 * colours are the theme's, read from the page's tokens, and the chart is
 * redrawn when the colour scheme changes or its box is resized.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { UsageInterval, UsagePoint } from "../../../lib/api-client.ts";

export interface ChartSeries {
  label: string;
  /** A --portico-* token name without the prefix: "accent", "success"… */
  color: string;
  value(p: UsagePoint): number | null;
  dash?: boolean;
}

/** A token's colour as the browser resolved it (tokens may be color-mix() expressions, which canvas does not read). */
function resolveColor(token: string): string {
  const probe = document.createElement("span");
  probe.style.color = `var(--portico-${token})`;
  probe.style.display = "none";
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** Axis labels: times of day within a day and a half, dates beyond. */
function formatTick(spanSeconds: number, locale: string): (seconds: number) => string {
  const f = new Intl.DateTimeFormat(locale, spanSeconds <= 36 * 3600 ? { hour: "2-digit", minute: "2-digit" } : { month: "short", day: "numeric" });
  return (s) => f.format(new Date(s * 1000));
}

/** The cursor's label: the whole interval's start. */
function formatPoint(interval: UsageInterval, locale: string): (seconds: number) => string {
  const f = new Intl.DateTimeFormat(locale, interval === "day" ? { dateStyle: "medium" } : { dateStyle: "medium", timeStyle: "short" });
  return (s) => f.format(new Date(s * 1000));
}

export function UsageChart({ points, series, interval, locale, unit, height = 240 }: { points: UsagePoint[]; series: ChartSeries[]; interval: UsageInterval; locale: string; unit?: string; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | undefined;
    const times = points.map((p) => Date.parse(p.start) / 1000);
    const tick = formatTick((times.at(-1) ?? 0) - (times[0] ?? 0), locale);
    const point = formatPoint(interval, locale);
    const numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    const draw = () => {
      plot?.destroy();
      const text = resolveColor("muted");
      const grid = resolveColor("border");
      const data: uPlot.AlignedData = [times, ...series.map((s) => points.map((p) => s.value(p)))];
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: "12px system-ui, sans-serif" };
      plot = new uPlot(
        {
          width: Math.max(280, el.clientWidth),
          height,
          cursor: { drag: { x: false, y: false } },
          legend: { show: true, live: true },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
          axes: [
            { ...axis, space: 90, values: (_u, splits) => splits.map(tick) },
            { ...axis, size: unit ? 72 : 56, values: (_u, splits) => splits.map((v) => numbers.format(v) + (unit ? ` ${unit}` : "")) },
          ],
          series: [
            { value: (_u, v) => (v == null ? "–" : point(v)) },
            ...series.map((s) => {
              const color = resolveColor(s.color);
              return {
                label: s.label,
                stroke: color,
                width: 2,
                dash: s.dash ? [6, 4] : undefined,
                points: { show: points.length <= 90, size: 5, fill: color },
                spanGaps: false,
                value: (_u: uPlot, v: number | null) => (v == null ? "–" : numbers.format(v) + (unit ? ` ${unit}` : "")),
              };
            }),
          ],
        },
        data,
        el,
      );
    };
    draw();
    const resize = new ResizeObserver(() => plot?.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    const scheme = () => setTimeout(draw, 0);
    document.addEventListener("portico:theme", scheme);
    const media = matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", scheme);
    return () => {
      resize.disconnect();
      document.removeEventListener("portico:theme", scheme);
      media.removeEventListener("change", scheme);
      plot?.destroy();
    };
  }, [points, series, interval, locale, unit, height]);
  return <div ref={box} className="chart" aria-hidden="true" />;
}
