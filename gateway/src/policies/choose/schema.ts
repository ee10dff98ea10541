import { z } from "zod";
import { definePolicy } from "../define.ts";
import { celCondition } from "../expressions.ts";
import { nestedPolicyList } from "../nested.ts";

export const chooseOptions = z.strictObject({
  when: z
    .array(
      z.strictObject({
        condition: celCondition("A CEL condition; the first branch whose condition holds runs.", 'request.headers[?"x-channel"].orValue("") == "mobile"'),
        policies: nestedPolicyList("The policies of this branch, written like a section's entries."),
      }),
    )
    .min(1)
    .meta({ description: "Branches, tried in order." }),
  otherwise: nestedPolicyList("The policies to run when no condition holds.").default([]),
});

export const choosePolicy = definePolicy({
  name: "choose",
  schema: chooseOptions,
  priority: 490,
  sections: ["inbound", "backend", "outbound", "on-error"],
  summary: "Runs one branch of policies, chosen by CEL conditions.",
  description: [
    "The first `when` whose `condition` holds runs its `policies`; when none holds, `otherwise` runs. Branch policies follow the rules of the section the `choose` is in, and can stop the call like any other (e.g. `return-response`).",
    "Conditions read the documented context: `request`, `subscription`, `product`, `jwt.claims`, `vars`, and `response` in outbound.",
  ].join("\n\n"),
  example: [
    "inbound:",
    "  - choose:",
    "      when:",
    "        - condition: 'product.id == \"basic\" && request.query[?\"days\"].orValue(\"1\") != \"1\"'",
    "          policies:",
    "            - return-response: { status: 403, body: { message: 'Multi-day forecasts need Premium.' } }",
    "      otherwise:",
    "        - set-header: { name: X-Tier, value: { expr: 'product.id' } }",
  ].join("\n"),
});
