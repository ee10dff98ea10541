import { z } from "zod";
import { definePolicy, onStoreErrorOption } from "../define.ts";

/** Options shared by quota and quota-by-key. */
export const quotaShape = {
  calls: z.number().int().min(1).optional().meta({ description: "Calls allowed per period.", examples: [1000] }),
  bandwidth: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: "Kilobytes (1,024 bytes) allowed per period, counting what the caller sent and received, headers included.", examples: [10240] }),
  renewalPeriod: z.number().int().min(1).meta({ description: "The period, in seconds: 86400 for a day. Periods are fixed and laid end to end from `firstPeriodStart`.", examples: [86400] }),
  firstPeriodStart: z
    .iso.datetime({ offset: true })
    .optional()
    .meta({ description: "When the first period starts (ISO 8601). Default: 1970-01-01T00:00:00Z, so a daily quota renews at midnight UTC.", examples: ["2026-01-01T06:00:00+01:00"] }),
  onStoreError: onStoreErrorOption(),
};

function atLeastOne(o: { calls?: number; bandwidth?: number }, ctx: z.core.$RefinementCtx): void {
  if (o.calls === undefined && o.bandwidth === undefined) ctx.addIssue({ code: "custom", path: [], message: "missing required key 'calls' (or 'bandwidth'): a quota limits calls, bytes or both" });
}

export const quotaOptions = z.strictObject(quotaShape).superRefine(atLeastOne);
export const quotaRefinement = atLeastOne;

export const quotaPolicy = definePolicy({
  name: "quota",
  schema: quotaOptions,
  priority: 900,
  sections: ["inbound"],
  summary: "Caps calls and/or bytes per subscription per fixed period; beyond it, 403 until the period renews.",
  description: [
    "Counts per subscription (calls without one count per caller address), separately for each place the policy is written. Periods are fixed: a daily quota renews for everyone at the same moment (midnight UTC by default), unlike a rate limit's sliding window.",
    "A call beyond the quota is refused with `403 Forbidden`, code `QUOTA_EXCEEDED` and the message `Out of call volume quota. Quota will be replenished in 05:12:40.` (hours:minutes:seconds until the period ends; `Out of bandwidth quota…` for bytes), plus `Retry-After` in seconds.",
    "Bandwidth is counted when a call finishes, so the call that crosses the limit completes and the next one is refused.",
  ].join("\n\n"),
  example: ["inbound:", "  - base", "  - quota: { calls: 1000, renewalPeriod: 86400 }"].join("\n"),
});
