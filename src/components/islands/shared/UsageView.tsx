/**
 * Usage over a range (hour, day, 7, 30, 90 days) at an interval, for one
 * subscription, product, user, API or operation, or everything: totals,
 * two charts (calls by outcome, latency) each with a sentence and a data
 * table, and a breakdown table. Developers see their own calls; the admin
 * page passes `admin` to look at everyone's. The filters live in the URL,
 * so a view can be shared and the browser's back button works.
 */
import { useEffect, useMemo, useState } from "react";
import { api, type ApiDetail, type BreakdownRow, type UsageDimension, type UsageInterval, type UsagePoint, type UsageQuery, type UsageRange, type UsageTotals } from "../../../lib/api-client.ts";
import { useI18n } from "./i18n.tsx";
import { UsageChart, type ChartSeries } from "./UsageChart.tsx";
import { Loading, LoadFailure, SelectField, TableWrap, useLoad } from "./ui.tsx";
import { ErrorAlert } from "./errors.tsx";

const RANGES: UsageRange[] = ["hour", "day", "7d", "30d", "90d"];
const INTERVALS: Record<UsageRange, UsageInterval[]> = {
  hour: ["minute"],
  day: ["minute", "hour"],
  "7d": ["hour", "day"],
  "30d": ["hour", "day"],
  "90d": ["day"],
};

export interface UsageFilters {
  range: UsageRange;
  interval: UsageInterval | "";
  subscription: string;
  product: string;
  user: string;
  api: string;
  operation: string;
}

export interface FilterOption {
  value: string;
  label: string;
}

const FILTER_KEYS = ["range", "interval", "subscription", "product", "user", "api", "operation"] as const;

function readFilters(): UsageFilters {
  const q = new URLSearchParams(location.search);
  const range = q.get("range") as UsageRange | null;
  return {
    range: range && RANGES.includes(range) ? range : "day",
    interval: (q.get("interval") as UsageInterval | null) ?? "",
    subscription: q.get("subscription") ?? "",
    product: q.get("product") ?? "",
    user: q.get("user") ?? "",
    api: q.get("api") ?? "",
    operation: q.get("operation") ?? "",
  };
}

function writeFilters(f: UsageFilters): void {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k] !== "" && !(k === "range" && f.range === "day")) q.set(k, f[k]);
  const s = q.toString();
  history.replaceState(null, "", location.pathname + (s ? `?${s}` : ""));
}

function successRate(t: UsageTotals): number | null {
  return t.calls === 0 ? null : t.success / t.calls;
}

function Stats({ totals }: { totals: UsageTotals }) {
  const { t, number } = useI18n();
  const ms = (v: number | null) => (v === null ? "–" : `${number(v, { maximumFractionDigits: v < 10 ? 1 : 0 })} ms`);
  const rate = successRate(totals);
  const items: Array<[string, string, string?]> = [
    [t("usage.calls"), number(totals.calls), "accent"],
    [t("usage.successRate"), rate === null ? "–" : number(rate, { style: "percent", maximumFractionDigits: 1 }), "success"],
    [t("usage.blocked"), number(totals.blocked), "warning"],
    [t("usage.failed"), number(totals.failed), "danger"],
    [t("usage.avgLatency"), ms(totals.avgLatencyMs)],
    [t("usage.p95"), ms(totals.p95)],
  ];
  return (
    <dl className="stats" data-usage-totals data-calls={totals.calls}>
      {items.map(([label, value, color]) => (
        <div className="stat" key={label}>
          <dt>
            {color && <span className="swatch" style={{ background: `var(--portico-${color})` }} aria-hidden="true" />}
            {label}
          </dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function useTimeFormat(interval: UsageInterval) {
  const { locale } = useI18n();
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(
      locale,
      interval === "day" ? { dateStyle: "medium" } : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" },
    );
    return (iso: string) => f.format(new Date(iso));
  }, [interval, locale]);
}

/** Calls by outcome: the chart, a sentence saying what it shows, and the numbers as a table. */
function CallsFigure({ points, totals, interval }: { points: UsagePoint[]; totals: UsageTotals; interval: UsageInterval }) {
  const { t, number, locale } = useI18n();
  const time = useTimeFormat(interval);
  const series: ChartSeries[] = useMemo(
    () => [
      { label: t("usage.calls"), color: "accent", value: (p) => p.calls },
      { label: t("usage.success"), color: "success", value: (p) => p.success },
      { label: t("usage.blocked"), color: "warning", value: (p) => p.blocked },
      { label: t("usage.failed"), color: "danger", value: (p) => p.failed },
      { label: t("usage.clientErrors"), color: "muted", value: (p) => p.clientErrors, dash: true },
    ],
    [t],
  );
  const busiest = points.reduce<UsagePoint | null>((best, p) => (p.calls > (best?.calls ?? 0) ? p : best), null);
  const rows = points.filter((p) => p.calls > 0);
  return (
    <figure className="box chart-box" aria-labelledby="calls-chart-title" data-chart="calls">
      <h2 id="calls-chart-title">{t("usage.callsChart")}</h2>
      <p className="chart-summary" data-chart-summary>
        {totals.calls === 0
          ? t("usage.noCalls")
          : t("usage.callsSummary", {
              count: totals.calls,
              calls: number(totals.calls),
              success: number(totals.success),
              blocked: number(totals.blocked),
              failed: number(totals.failed),
              clientErrors: number(totals.clientErrors),
            })}
        {busiest && totals.calls > 0 && <> {t(`usage.busiest.${interval}`, { count: busiest.calls, time: time(busiest.start), calls: number(busiest.calls) })}</>}
      </p>
      {totals.calls > 0 && <UsageChart points={points} series={series} interval={interval} locale={locale} />}
      {rows.length > 0 && (
        <details className="chart-table">
          <summary>{t("usage.showTable")}</summary>
          <TableWrap label={t("usage.callsChart")}>
            <table className="table">
              <caption className="sr-only">{t("usage.callsChart")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`usage.interval.${interval}`)}</th>
                  <th scope="col" className="num">{t("usage.calls")}</th>
                  <th scope="col" className="num">{t("usage.success")}</th>
                  <th scope="col" className="num">{t("usage.blocked")}</th>
                  <th scope="col" className="num">{t("usage.failed")}</th>
                  <th scope="col" className="num">{t("usage.clientErrors")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.start}>
                    <th scope="row">{time(p.start)}</th>
                    <td className="num">{number(p.calls)}</td>
                    <td className="num">{number(p.success)}</td>
                    <td className="num">{number(p.blocked)}</td>
                    <td className="num">{number(p.failed)}</td>
                    <td className="num">{number(p.clientErrors)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <p className="small muted">{t("usage.emptyLeftOut")}</p>
        </details>
      )}
    </figure>
  );
}

function LatencyFigure({ points, totals, interval }: { points: UsagePoint[]; totals: UsageTotals; interval: UsageInterval }) {
  const { t, number, locale } = useI18n();
  const time = useTimeFormat(interval);
  const series: ChartSeries[] = useMemo(
    () => [
      { label: t("usage.avgLatency"), color: "accent", value: (p) => p.avgLatencyMs },
      { label: t("usage.p95"), color: "warning", value: (p) => p.p95 },
      { label: t("usage.backendLatency"), color: "muted", value: (p) => p.avgBackendLatencyMs, dash: true },
    ],
    [t],
  );
  const ms = (v: number | null) => (v === null ? "–" : number(v, { maximumFractionDigits: v < 10 ? 1 : 0 }));
  const rows = points.filter((p) => p.calls > 0);
  if (totals.calls === 0) return null;
  return (
    <figure className="box chart-box" aria-labelledby="latency-chart-title" data-chart="latency">
      <h2 id="latency-chart-title">{t("usage.latencyChart")}</h2>
      <p className="chart-summary">
        {t("usage.latencySummary", { avg: ms(totals.avgLatencyMs), p50: ms(totals.p50), p95: ms(totals.p95), max: ms(totals.maxLatencyMs), backend: ms(totals.avgBackendLatencyMs) })}
      </p>
      <UsageChart points={points} series={series} interval={interval} locale={locale} unit="ms" />
      <details className="chart-table">
        <summary>{t("usage.showTable")}</summary>
        <TableWrap label={t("usage.latencyChart")}>
          <table className="table">
            <caption className="sr-only">{t("usage.latencyChart")}</caption>
            <thead>
              <tr>
                <th scope="col">{t(`usage.interval.${interval}`)}</th>
                <th scope="col" className="num">{t("usage.avgLatency")}</th>
                <th scope="col" className="num">{t("usage.p95")}</th>
                <th scope="col" className="num">{t("usage.backendLatency")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.start}>
                  <th scope="row">{time(p.start)}</th>
                  <td className="num">{ms(p.avgLatencyMs)} ms</td>
                  <td className="num">{ms(p.p95)} ms</td>
                  <td className="num">{ms(p.avgBackendLatencyMs)} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </details>
    </figure>
  );
}

function BreakdownTable({ rows, by }: { rows: BreakdownRow[]; by: UsageDimension }) {
  const { t, number } = useI18n();
  const max = Math.max(1, ...rows.map((r) => r.totals.calls));
  const ms = (v: number | null) => (v === null ? "–" : `${number(v, { maximumFractionDigits: v < 10 ? 1 : 0 })} ms`);
  if (rows.length === 0) return <p className="muted">{t("usage.noCalls")}</p>;
  return (
    <TableWrap label={t("usage.breakdownCaption", { by: t(`usage.by.${by}`) })}>
      <table className="table" data-breakdown={by}>
        <caption className="sr-only">{t("usage.breakdownCaption", { by: t(`usage.by.${by}`) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t(`usage.by.${by}`)}</th>
            <th scope="col" className="num">{t("usage.calls")}</th>
            <th scope="col" className="num">{t("usage.success")}</th>
            <th scope="col" className="num">{t("usage.blocked")}</th>
            <th scope="col" className="num">{t("usage.failed")}</th>
            <th scope="col" className="num">{t("usage.clientErrors")}</th>
            <th scope="col" className="num">{t("usage.avgLatency")}</th>
            <th scope="col" className="num">{t("usage.p95")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={JSON.stringify(r.key)}>
              <th scope="row">
                {r.label}
                <span className="bar" style={{ width: `${(r.totals.calls / max) * 100}%` }} aria-hidden="true" />
              </th>
              <td className="num">{number(r.totals.calls)}</td>
              <td className="num">{number(r.totals.success)}</td>
              <td className="num">{number(r.totals.blocked)}</td>
              <td className="num">{number(r.totals.failed)}</td>
              <td className="num">{number(r.totals.clientErrors)}</td>
              <td className="num">{ms(r.totals.avgLatencyMs)}</td>
              <td className="num">{ms(r.totals.p95)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export interface UsageViewProps {
  /** Everyone's usage (administrators), with user and product filters. */
  admin?: boolean;
  /** Only this user's calls (an administrator's own account page). */
  userId?: string;
  subscriptions?: FilterOption[];
  products?: FilterOption[];
  users?: FilterOption[];
  apis: FilterOption[];
  dimensions: UsageDimension[];
}

export function UsageView({ admin = false, userId, subscriptions = [], products = [], users = [], apis, dimensions }: UsageViewProps) {
  const { t, dateTime } = useI18n();
  const [filters, setFilters] = useState<UsageFilters>(readFilters);
  const [by, setBy] = useState<UsageDimension>(dimensions[0]!);
  const [tick, setTick] = useState(0);
  const set = (patch: Partial<UsageFilters>) =>
    setFilters((f) => {
      const next = { ...f, ...patch };
      if (patch.api !== undefined) next.operation = "";
      if (next.interval !== "" && !INTERVALS[next.range].includes(next.interval)) next.interval = "";
      return next;
    });
  useEffect(() => writeFilters(filters), [filters]);

  const query: UsageQuery = useMemo(
    () => ({
      range: filters.range,
      interval: filters.interval || undefined,
      subscription: filters.subscription || undefined,
      product: filters.product || undefined,
      user: userId ?? (filters.user || undefined),
      api: filters.api || undefined,
      operation: filters.operation || undefined,
    }),
    [filters, userId],
  );
  const usage = useLoad(() => api.usage(query), [query, tick]);
  const breakdown = useLoad(() => api.usageBreakdown({ ...query, by, limit: 50 }), [query, by, tick]);
  const operations = useLoad<ApiDetail | null>(async () => (filters.api ? api.api(filters.api) : null), [filters.api]);
  const operationOptions = useMemo(() => {
    const detail = operations.data;
    if (!detail) return [];
    const seen = new Map<string, string>();
    for (const v of detail.versions) for (const op of v.operations) if (!seen.has(op.id)) seen.set(op.id, `${op.method.toUpperCase()} ${op.path}${op.summary ? ` · ${op.summary}` : ""}`);
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [operations.data]);

  const interval = usage.data?.interval ?? "hour";
  return (
    <div className="app-sections">
      <section className="section" aria-label={t("usage.filters")}>
        <div className="toolbar">
          <fieldset className="plain">
            <legend>{t("usage.range")}</legend>
            <div className="segmented">
              {RANGES.map((r) => (
                <button key={r} type="button" aria-pressed={filters.range === r} onClick={() => set({ range: r })}>
                  {t(`usage.range.${r}`)}
                </button>
              ))}
            </div>
          </fieldset>
          <SelectField
            label={t("usage.intervalLabel")}
            value={filters.interval}
            onChange={(v) => set({ interval: v as UsageInterval | "" })}
            options={[{ value: "", label: t("usage.intervalAuto") }, ...INTERVALS[filters.range].map((i) => ({ value: i, label: t(`usage.interval.${i}`) }))]}
          />
          {admin && users.length > 0 && (
            <SelectField label={t("usage.user")} value={filters.user} onChange={(v) => set({ user: v })} options={[{ value: "", label: t("usage.allUsers") }, ...users]} />
          )}
          {admin && products.length > 0 && (
            <SelectField label={t("usage.product")} value={filters.product} onChange={(v) => set({ product: v })} options={[{ value: "", label: t("usage.allProducts") }, ...products]} />
          )}
          {!admin && subscriptions.length > 0 && (
            <SelectField
              label={t("usage.subscription")}
              value={filters.subscription}
              onChange={(v) => set({ subscription: v })}
              options={[{ value: "", label: t("usage.allSubscriptions") }, ...subscriptions]}
            />
          )}
          <SelectField label={t("usage.api")} value={filters.api} onChange={(v) => set({ api: v })} options={[{ value: "", label: t("usage.allApis") }, ...apis]} />
          {filters.api !== "" && operationOptions.length > 0 && (
            <SelectField
              label={t("usage.operation")}
              value={filters.operation}
              onChange={(v) => set({ operation: v })}
              options={[{ value: "", label: t("usage.allOperations") }, ...operationOptions]}
            />
          )}
          <button type="button" className="button button-secondary" onClick={() => setTick((n) => n + 1)} disabled={usage.loading}>
            {t("usage.refresh")}
          </button>
        </div>
      </section>

      <div className="section" aria-live="polite" aria-busy={usage.loading}>
        {usage.error ? (
          <LoadFailure error={usage.error} />
        ) : !usage.data ? (
          <Loading />
        ) : (
          <>
            <p className="muted small">{t(`usage.period.${interval}`, { from: dateTime(usage.data.from), to: dateTime(usage.data.to) })}</p>
            <Stats totals={usage.data.totals} />
            <CallsFigure points={usage.data.series} totals={usage.data.totals} interval={interval} />
            <LatencyFigure points={usage.data.series} totals={usage.data.totals} interval={interval} />
          </>
        )}
      </div>

      <section className="section box" aria-labelledby="breakdown-title">
        <div className="section-head">
          <h2 id="breakdown-title">{t("usage.breakdown")}</h2>
          <div className="segmented" role="group" aria-label={t("usage.breakdownBy")}>
            {dimensions.map((d) => (
              <button key={d} type="button" aria-pressed={by === d} onClick={() => setBy(d)}>
                {t(`usage.by.${d}`)}
              </button>
            ))}
          </div>
        </div>
        {breakdown.error ? <ErrorAlert error={breakdown.error} /> : !breakdown.data ? <Loading /> : <BreakdownTable rows={breakdown.data.rows} by={by} />}
      </section>
    </div>
  );
}
