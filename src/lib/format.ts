/** Sentences built from catalog facts and interface strings. */
import { periodParts, type Limit } from "./limits.ts";
import { formatNumber } from "./i18n.ts";
import type { Site } from "./site.ts";

export function periodText(site: Pick<Site, "t">, seconds: number): string {
  const { unit, count } = periodParts(seconds);
  return site.t(`period.${unit}` as Parameters<Site["t"]>[0], { count });
}

function sizeText(locale: string, kb: number): string {
  if (kb >= 1024 * 1024 && kb % (1024 * 1024) === 0) return `${formatNumber(locale, kb / (1024 * 1024))} GB`;
  if (kb >= 1024 && kb % 1024 === 0) return `${formatNumber(locale, kb / 1024)} MB`;
  return `${formatNumber(locale, kb)} KB`;
}

/** "10 calls per 10 seconds", "1,000 calls per day per client", "50 MB per week". */
export function limitText(site: Pick<Site, "t" | "locale">, limit: Limit): string {
  const period = periodText(site, limit.period);
  const parts: string[] = [];
  if (limit.calls !== undefined) {
    const key = limit.kind === "rate" ? (limit.byKey ? "limit.rateByKey" : "limit.rate") : limit.byKey ? "limit.quotaByKey" : "limit.quota";
    parts.push(site.t(key, { calls: formatNumber(site.locale, limit.calls), period }));
  }
  if (limit.bandwidthKb !== undefined) parts.push(site.t("limit.bandwidth", { size: sizeText(site.locale, limit.bandwidthKb), period }));
  return parts.join(", ");
}
