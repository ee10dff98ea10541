import { z } from "zod";
import { definePolicy } from "../define.ts";

export const jsonToXmlOptions = z.strictObject({
  apply: z
    .enum(["always", "content-type-json"])
    .default("content-type-json")
    .meta({ description: "`content-type-json`: convert only bodies labelled JSON (`application/json`, `…+json`). `always`: try every body." }),
  considerAcceptHeader: z
    .boolean()
    .default(false)
    .meta({ description: "In outbound: convert only when the caller's `Accept` asks for XML." }),
  rootName: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, { message: "must be an XML element name" })
    .default("document")
    .meta({ description: "The root element for JSON that is not an object with exactly one key." }),
});

export const jsonToXmlPolicy = definePolicy({
  name: "json-to-xml",
  schema: jsonToXmlOptions,
  priority: 300,
  sections: ["inbound", "outbound", "on-error"],
  summary: "Converts a JSON body to XML: the request's in inbound, the answer's in outbound.",
  description: [
    "A JSON object with one key becomes the root element (`{\"order\": {…}}` → `<order>…</order>`); any other JSON is wrapped in `rootName`. Lists become repeated elements, keys starting with `@` attributes, `#text` an element's text. Keys that are not valid XML names have their other characters replaced by `_`. `Content-Type` becomes `application/xml`.",
    "`xml-to-json` reverses the mapping. A request body that is labelled JSON but does not parse is refused with `400`; an answer that does not parse is passed on unchanged. Bodies are read whole: up to 1 MiB for requests and 8 MiB for answers (bigger answers pass unconverted).",
  ].join("\n\n"),
  example: ["outbound:", "  - base", "  - json-to-xml: { considerAcceptHeader: true }"].join("\n"),
});
