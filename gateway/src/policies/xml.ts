/**
 * JSON ⇄ XML conversion shared by json-to-xml and xml-to-json, on
 * fast-xml-parser, with one mapping both ways so that a round trip gives
 * back what went in: attributes as `@name` keys, mixed text as `#text`,
 * repeated elements as lists, and a JSON object with a single key as the
 * root element (anything else is wrapped in a root element).
 *
 * XML with a DOCTYPE is refused: APIs do not need one, and refusing it
 * rules out entity-expansion attacks whatever the parser's limits are.
 */
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";

const OPTIONS = { attributeNamePrefix: "@", textNodeName: "#text", ignoreAttributes: false } as const;

const builder = new XMLBuilder({ ...OPTIONS, format: false, suppressBooleanAttributes: false });
const parser = new XMLParser({
  ...OPTIONS,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: true,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  maxNestedTags: 200,
});

/** A valid XML element name from a JSON key (`1st item` → `_1st_item`); keys already valid are kept. */
function elementName(key: string): string {
  if (key.startsWith("@") || key === "#text") return key;
  let name = key.replace(/[^A-Za-z0-9_.:-]/g, "_");
  if (!/^[A-Za-z_:]/.test(name)) name = `_${name}`;
  return name;
}

function sanitize(value: unknown, depth = 0): unknown {
  if (depth > 200) throw new Error("the JSON is nested too deeply to convert");
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[elementName(k)] = sanitize(v, depth + 1);
    return out;
  }
  return value;
}

export function jsonToXml(value: unknown, rootName: string): string {
  const single = value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && !Array.isArray(Object.values(value)[0]);
  const root = single ? sanitize(value) : { [rootName]: Array.isArray(value) ? { item: sanitize(value) } : sanitize(value) };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build(root) as string}`;
}

export class XmlError extends Error {}

export function xmlToJson(text: string): unknown {
  if (/<!DOCTYPE/i.test(text)) throw new XmlError("XML with a DOCTYPE is not accepted");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  return parser.parse(text) as unknown;
}

export function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());
}

export function isXmlType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^(application|text)\/([\w.+-]*\+)?xml\b/i.test(contentType.trim());
}
