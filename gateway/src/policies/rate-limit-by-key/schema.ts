import { z } from "zod";
import { definePolicy, headerName, onStoreErrorOption, seconds } from "../define.ts";
import { celCondition, celExpression } from "../expressions.ts";

export const rateLimitByKeyOptions = z.strictObject({
  calls: z.number().int().min(1).meta({ description: "Calls allowed per key in any window of `renewalPeriod` seconds.", examples: [5] }),
  renewalPeriod: seconds("The sliding window, in seconds."),
  counterKey: celExpression("A CEL expression; calls with the same value share one counter (its value as text).", "request.ip"),
  incrementCondition: celCondition(
    "When set, a call counts only if this holds once its answer is known (it may read `response.status`). The limit is still checked before the call.",
    "response.status >= 200 && response.status < 300",
  ).optional(),
  incrementCount: z.number().int().min(1).default(1).meta({ description: "How much one call counts." }),
  remainingCallsHeader: headerName("When set, the answer carries a header of this name with the calls left in the window.").optional(),
  onStoreError: onStoreErrorOption(),
});

export const rateLimitByKeyPolicy = definePolicy({
  name: "rate-limit-by-key",
  schema: rateLimitByKeyOptions,
  priority: 905,
  sections: ["inbound"],
  summary: "Limits calls per key computed with CEL (an IP address, a JWT claim, a header) in a sliding window.",
  description: [
    "Like `rate-limit`, but callers are told apart by `counterKey` instead of by subscription: `request.ip` limits each address, `jwt.claims.sub` each end user, `request.headers[?\"x-tenant\"].orValue(\"\")` each tenant.",
    "With `incrementCondition` only the calls for which it holds are counted, e.g. only successful ones, so that a client is not punished for the backend's errors. Such calls are counted when their answer is known; the limit is checked when they arrive.",
    "Refusals are `429 Too Many Requests` with `Retry-After` in whole seconds, as for `rate-limit`.",
  ].join("\n\n"),
  example: ["inbound:", "  - rate-limit-by-key:", "      calls: 5", "      renewalPeriod: 10", "      counterKey: request.ip", "      incrementCondition: response.status < 500"].join("\n"),
});
