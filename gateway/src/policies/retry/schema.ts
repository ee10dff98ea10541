import { z } from "zod";
import { definePolicy, seconds } from "../define.ts";
import { celCondition } from "../expressions.ts";

export const retryOptions = z
  .strictObject({
    count: z.number().int().min(1).max(10).meta({ description: "Retries after the first attempt.", examples: [3] }),
    interval: seconds("Seconds before each retry.", 0).default(1),
    delta: seconds("When set, the wait grows: interval + delta × (2^(n−1) − 1) before retry n.", 0).optional(),
    maxInterval: seconds("The longest wait between two attempts, in seconds.", 0).optional(),
    firstFastRetry: z.boolean().default(false).meta({ description: "Make the first retry at once, without waiting." }),
    condition: celCondition("When to retry an answer; it reads `response.status` and `response.headers`. Failures to reach the backend are always retried.", "response.status >= 500").default("response.status >= 500"),
  })
  .superRefine((o, ctx) => {
    if (o.maxInterval !== undefined && o.maxInterval < o.interval) ctx.addIssue({ code: "custom", path: ["maxInterval"], message: `must be at least interval (${o.interval})` });
  });

export const retryPolicy = definePolicy({
  name: "retry",
  schema: retryOptions,
  priority: 190,
  sections: ["backend"],
  summary: "Calls the backend again when it fails or answers with an error status.",
  description: [
    "An answer for which `condition` holds (by default any 5xx), a timeout or a refused connection is retried up to `count` times, waiting `interval` seconds (growing by `delta` when set) in between. The caller sees only the last attempt's answer.",
    "Request bodies are kept in memory for replay, up to 1 MiB; a call with a bigger body gets `413`. Retry only operations that are safe to repeat, or that the backend deduplicates (e.g. with an Idempotency-Key).",
  ].join("\n\n"),
  example: ["backend:", "  - retry: { count: 3, interval: 0.5, condition: 'response.status == 503' }"].join("\n"),
});
