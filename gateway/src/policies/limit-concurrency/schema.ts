import { z } from "zod";
import { definePolicy, onStoreErrorOption } from "../define.ts";
import { celExpression } from "../expressions.ts";

export const limitConcurrencyOptions = z.strictObject({
  max: z.number().int().min(1).meta({ description: "Calls allowed in flight at the same time (per key).", examples: [20] }),
  counterKey: celExpression("When set, each value has its own limit (e.g. `subscription.id`); without it all calls through this policy share one.", "subscription.id").optional(),
  onStoreError: onStoreErrorOption(),
});

export const limitConcurrencyPolicy = definePolicy({
  name: "limit-concurrency",
  schema: limitConcurrencyOptions,
  priority: 890,
  sections: ["inbound"],
  summary: "Caps the calls in flight at once; beyond it, 429.",
  description: [
    "Protects a backend that slows down under parallel load: a call that would exceed `max` is refused at once with `429 Too Many Requests`, code `CONCURRENCY_LIMITED` and `Retry-After: 1`; it is not queued.",
    "A slot is held until the answer has been sent (or the caller went away). If a gateway dies holding slots, they are freed after the backend timeout plus a minute.",
  ].join("\n\n"),
  example: ["inbound:", "  - limit-concurrency: { max: 20, counterKey: subscription.id }"].join("\n"),
});
