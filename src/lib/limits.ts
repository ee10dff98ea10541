/**
 * The usage limits a product's own policies set, in a form a page can print:
 * "10 calls per 10 seconds", "1,000 calls per day". Only the product scope is
 * read; API and global policies are the same for every product.
 */
import type { PolicyDocument } from "../../gateway/src/model/catalog.ts";

export interface Limit {
  kind: "rate" | "quota";
  /** Whether the limit counts per client address or custom key rather than per subscription. */
  byKey: boolean;
  calls?: number;
  /** Kilobytes, for quotas on bandwidth. */
  bandwidthKb?: number;
  /** Seconds. */
  period: number;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
}

export function productLimits(policies: PolicyDocument): Limit[] {
  const limits: Limit[] = [];
  for (const entry of policies.inbound ?? []) {
    if (entry.kind !== "policy") continue;
    const options = (entry.options ?? {}) as Record<string, unknown>;
    const period = num(options.renewalPeriod) ?? num(options.period);
    if (period === undefined) continue;
    const calls = num(options.calls);
    const bandwidthKb = num(options.bandwidth);
    if (calls === undefined && bandwidthKb === undefined) continue;
    if (entry.name === "rate-limit" || entry.name === "rate-limit-by-key") {
      limits.push({ kind: "rate", byKey: entry.name === "rate-limit-by-key", calls, bandwidthKb, period });
    } else if (entry.name === "quota" || entry.name === "quota-by-key") {
      limits.push({ kind: "quota", byKey: entry.name === "quota-by-key", calls, bandwidthKb, period });
    }
  }
  return limits;
}

/** A period in the largest unit that divides it: `{unit: 'day', count: 1}`. */
export function periodParts(seconds: number): { unit: "second" | "minute" | "hour" | "day" | "week"; count: number } {
  const units = [
    ["week", 604800],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ] as const;
  for (const [unit, size] of units) if (seconds >= size && seconds % size === 0) return { unit, count: seconds / size };
  return { unit: "second", count: seconds };
}
