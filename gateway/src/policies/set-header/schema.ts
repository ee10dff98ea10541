import { z } from "zod";
import { definePolicy, headerName } from "../define.ts";
import { textOrExpression } from "../expressions.ts";
import { PROTECTED_HEADERS } from "../headers.ts";

export const setHeaderOptions = z
  .strictObject({
    name: headerName("The header, matched without regard to case."),
    value: textOrExpression("The value: text, or `{ expr: <CEL> }` computed per call. Required unless `exists: delete`.").optional(),
    exists: z
      .enum(["override", "skip", "append", "delete"])
      .default("override")
      .meta({ description: "When the header is already there: `override` replaces it, `skip` keeps it, `append` adds a value, `delete` removes it (and `value` is not used)." }),
  })
  .superRefine((o, ctx) => {
    if (PROTECTED_HEADERS.has(o.name.toLowerCase())) {
      ctx.addIssue({ code: "custom", path: ["name"], message: `names a header the gateway manages itself ('${o.name}'); it cannot be set by a policy` });
    }
    if (o.exists === "delete" && o.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: "is not used with exists: delete; remove it" });
    if (o.exists !== "delete" && o.value === undefined) ctx.addIssue({ code: "custom", path: [], message: "missing required key 'value'" });
  });

export const setHeaderPolicy = definePolicy({
  name: "set-header",
  schema: setHeaderOptions,
  priority: 400,
  sections: ["inbound", "backend", "outbound", "on-error"],
  summary: "Adds, replaces or removes a request or response header.",
  description: [
    "In `inbound` and `backend` it changes the request sent to the backend; in `outbound` and `on-error` it changes the answer sent to the caller.",
    "The value may be computed per call with a CEL expression, e.g. `{ expr: 'request.ip' }`. Headers that frame the message (`Content-Length`, `Transfer-Encoding`, `Connection`, `Host`, …) cannot be set.",
  ].join("\n\n"),
  example: [
    "inbound:",
    "  - set-header: { name: X-Channel, value: portal }",
    "  - set-header: { name: X-Caller, value: { expr: 'subscription.id' } }",
    "outbound:",
    "  - set-header: { name: Server, exists: delete }",
  ].join("\n"),
});
