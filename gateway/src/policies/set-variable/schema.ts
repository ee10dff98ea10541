import { z } from "zod";
import { definePolicy } from "../define.ts";
import { celExpression } from "../expressions.ts";

export const setVariableOptions = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a CEL identifier: a letter or _, then letters, digits or _" })
    .meta({ description: "The variable, read by later expressions as `vars.<name>`.", examples: ["channel"] }),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.strictObject({ expr: celExpression("A CEL expression; its value (any type) is stored.") })])
    .meta({ description: "A literal (text, number, true/false), or `{ expr: <CEL> }` evaluated per call." }),
});

export const setVariablePolicy = definePolicy({
  name: "set-variable",
  schema: setVariableOptions,
  priority: 500,
  sections: ["inbound", "backend", "outbound", "on-error"],
  summary: "Stores a value that later expressions read as `vars.<name>`.",
  description:
    "Variables live for one call. Compute something once (a channel from a header, a tier from a JWT claim) and use it in several conditions and values. An unset variable is an error when read: test with `has(vars.name)` or read with `vars[?\"name\"].orValue(…)`.",
  example: [
    "inbound:",
    "  - set-variable: { name: mobile, value: { expr: 'request.headers[?\"user-agent\"].orValue(\"\").contains(\"Mobile\")' } }",
    "  - choose:",
    "      when:",
    "        - condition: vars.mobile",
    "          policies:",
    "            - set-header: { name: X-Client, value: mobile }",
  ].join("\n"),
});
