import { z } from "zod";
import { definePolicy, headerName, onStoreErrorOption, seconds } from "../define.ts";

export const rateLimitOptions = z.strictObject({
  calls: z.number().int().min(1).meta({ description: "Calls allowed in any window of `renewalPeriod` seconds.", examples: [10] }),
  renewalPeriod: seconds("The window, in seconds. The window slides: at any moment the calls of the last `renewalPeriod` seconds count."),
  remainingCallsHeader: headerName("When set, the answer carries a header of this name with the calls left in the window.").optional(),
  onStoreError: onStoreErrorOption(),
});

export const rateLimitPolicy = definePolicy({
  name: "rate-limit",
  schema: rateLimitOptions,
  priority: 910,
  sections: ["inbound"],
  summary: "Limits the calls per subscription in a sliding window; beyond it, 429 with Retry-After.",
  description: [
    "Counts per subscription, separately for each place the policy is written: in a product it caps the subscription's calls to all of the product's APIs, in an API the calls to that API. Calls without a subscription (an open product) count per caller IP address.",
    "The call over the limit is refused with `429 Too Many Requests`, code `RATE_LIMITED`, the message `Rate limit is exceeded. Try again in 7 seconds.` and `Retry-After: 7`: the whole seconds until the oldest counted call leaves the window, so a call made after waiting that long passes. Refused calls are not counted and never reach the backend.",
  ].join("\n\n"),
  example: ["inbound:", "  - base", "  - rate-limit: { calls: 10, renewalPeriod: 10 }"].join("\n"),
});
