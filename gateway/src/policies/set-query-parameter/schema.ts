import { z } from "zod";
import { definePolicy } from "../define.ts";
import { textOrExpression } from "../expressions.ts";

export const setQueryParameterOptions = z
  .strictObject({
    name: z.string().min(1).meta({ description: "The query parameter, matched exactly (after decoding).", examples: ["units"] }),
    value: textOrExpression("The value: text, or `{ expr: <CEL> }` computed per call; encoded for the URL. Required unless `exists: delete`.").optional(),
    exists: z
      .enum(["override", "skip", "append", "delete"])
      .default("override")
      .meta({ description: "When the parameter is already there: `override` replaces every occurrence, `skip` keeps it, `append` adds another, `delete` removes it." }),
  })
  .superRefine((o, ctx) => {
    if (o.exists === "delete" && o.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: "is not used with exists: delete; remove it" });
    if (o.exists !== "delete" && o.value === undefined) ctx.addIssue({ code: "custom", path: [], message: "missing required key 'value'" });
  });

export const setQueryParameterPolicy = definePolicy({
  name: "set-query-parameter",
  schema: setQueryParameterOptions,
  priority: 390,
  sections: ["inbound", "backend"],
  summary: "Adds, replaces or removes a query parameter of the request sent to the backend.",
  description:
    "Other parameters reach the backend byte for byte as the caller wrote them. The subscription key parameter is already removed before any policy runs.",
  example: ["inbound:", "  - set-query-parameter: { name: units, value: metric, exists: skip }", "  - set-query-parameter: { name: debug, exists: delete }"].join("\n"),
});
