import { z } from "zod";
import { definePolicy } from "../define.ts";

export const validateContentOptions = z.strictObject({
  maxSize: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024)
    .meta({ description: "Largest body accepted, in bytes; a bigger one gets 413 PAYLOAD_TOO_LARGE.", examples: [102400] }),
  unspecifiedContentType: z
    .enum(["prevent", "allow"])
    .default("prevent")
    .meta({ description: "A body whose Content-Type the operation does not document: `prevent` answers 415, `allow` lets it through unchecked." }),
  action: z
    .enum(["prevent", "detect"])
    .default("prevent")
    .meta({ description: "`prevent` refuses invalid bodies; `detect` only logs them (to try the policy on live traffic first)." }),
});

export const validateContentPolicy = definePolicy({
  name: "validate-content",
  schema: validateContentOptions,
  priority: 800,
  sections: ["inbound"],
  summary: "Refuses request bodies that do not match the operation's OpenAPI schema, naming where they break it.",
  description: [
    "The body is checked against the schema the definition gives for its Content-Type (JSON media types; others are only checked to be documented). OpenAPI 3.0 `nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum` and Swagger 2.0 `x-nullable` are understood; OpenAPI 3.1 schemas are JSON Schema 2020-12.",
    "An invalid body gets `400`, code `CONTENT_INVALID`, a message naming the first problem by JSON pointer (`/items/0/quantity must be >= 1`) and `details` listing up to ten. A missing required body gets `400`, malformed JSON `400`, an undocumented content type `415`, a body over `maxSize` `413`. The backend is not called.",
  ].join("\n\n"),
  example: ["operations:", "  createMission:", "    inbound:", "      - base", "      - validate-content: { maxSize: 65536 }"].join("\n"),
});
