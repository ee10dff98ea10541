import { z } from "zod";
import { definePolicy } from "../define.ts";

export const xmlToJsonOptions = z.strictObject({
  apply: z
    .enum(["always", "content-type-xml"])
    .default("content-type-xml")
    .meta({ description: "`content-type-xml`: convert only bodies labelled XML (`application/xml`, `text/xml`, `…+xml`). `always`: try every body." }),
  considerAcceptHeader: z
    .boolean()
    .default(false)
    .meta({ description: "In outbound: convert only when the caller's `Accept` asks for JSON." }),
});

export const xmlToJsonPolicy = definePolicy({
  name: "xml-to-json",
  schema: xmlToJsonOptions,
  priority: 300,
  sections: ["inbound", "outbound", "on-error"],
  summary: "Converts an XML body to JSON: the request's in inbound, the answer's in outbound.",
  description: [
    "The root element becomes the JSON object's single key; attributes become `@name` keys, text beside child elements `#text`, repeated elements lists, and numbers and booleans in element text JSON numbers and booleans. It reverses `json-to-xml`. `Content-Type` becomes `application/json`.",
    "XML with a `DOCTYPE` is not converted (and refused with `400` on requests), which rules out entity-expansion attacks; so is XML that is not well-formed.",
  ].join("\n\n"),
  example: ["outbound:", "  - base", "  - xml-to-json: {}"].join("\n"),
});
