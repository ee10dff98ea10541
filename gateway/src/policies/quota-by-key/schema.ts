import { z } from "zod";
import { definePolicy } from "../define.ts";
import { celCondition, celExpression } from "../expressions.ts";
import { quotaRefinement, quotaShape } from "../quota/schema.ts";

export const quotaByKeyOptions = z
  .strictObject({
    ...quotaShape,
    counterKey: celExpression("A CEL expression; calls with the same value share one quota.", "jwt.claims.sub"),
    incrementCondition: celCondition("When set, a call counts against the call quota only if this holds once its answer is known.", "response.status < 400").optional(),
  })
  .superRefine(quotaRefinement);

export const quotaByKeyPolicy = definePolicy({
  name: "quota-by-key",
  schema: quotaByKeyOptions,
  priority: 895,
  sections: ["inbound"],
  summary: "Caps calls and/or bytes per CEL key per fixed period; beyond it, 403 until the period renews.",
  description: [
    "Like `quota`, but callers are told apart by `counterKey`: an address, a tenant header, a JWT subject.",
    "With `incrementCondition` only the calls for which it holds count against `calls` (bandwidth always counts).",
  ].join("\n\n"),
  example: ["inbound:", "  - quota-by-key:", "      calls: 500", "      renewalPeriod: 3600", "      counterKey: request.ip", "      incrementCondition: response.status < 400"].join("\n"),
});
