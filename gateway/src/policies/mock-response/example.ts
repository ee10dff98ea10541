/**
 * An example value built from a JSON schema, for operations that document
 * a response schema but no example. Bounded in depth and size so that
 * recursive or huge schemas still give a small answer.
 */

const MAX_DEPTH = 8;

export function exampleFromSchema(schema: unknown, document: Record<string, unknown>, depth = 0, seen = new Set<string>()): unknown {
  if (schema === null || typeof schema !== "object" || depth > MAX_DEPTH) return null;
  const node = schema as Record<string, unknown>;
  const ref = node.$ref;
  if (typeof ref === "string") {
    if (seen.has(ref)) return null; // recursion: stop here
    const target = resolvePointer(document, ref);
    return exampleFromSchema(target, document, depth + 1, new Set([...seen, ref]));
  }
  if (node.example !== undefined) return node.example;
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
  if (node.default !== undefined) return node.default;
  if (node.const !== undefined) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  if (Array.isArray(node.allOf)) {
    const parts = node.allOf.map((s) => exampleFromSchema(s, document, depth + 1, seen));
    if (parts.every((p) => p !== null && typeof p === "object" && !Array.isArray(p))) return Object.assign({}, ...parts);
    return parts[0] ?? null;
  }
  for (const key of ["oneOf", "anyOf"]) {
    const options = node[key];
    if (Array.isArray(options) && options.length > 0) return exampleFromSchema(options[0], document, depth + 1, seen);
  }
  let type = node.type;
  if (Array.isArray(type)) type = type.find((t) => t !== "null") ?? "null";
  if (type === undefined && node.properties !== undefined) type = "object";
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = (node.properties ?? {}) as Record<string, unknown>;
      for (const [name, prop] of Object.entries(props).slice(0, 50)) out[name] = exampleFromSchema(prop, document, depth + 1, seen);
      return out;
    }
    case "array":
      return node.items === undefined ? [] : [exampleFromSchema(node.items, document, depth + 1, seen)];
    case "string":
      return stringFor(node.format);
    case "integer":
      return typeof node.minimum === "number" ? Math.ceil(node.minimum) : 0;
    case "number":
      return typeof node.minimum === "number" ? node.minimum : 0;
    case "boolean":
      return true;
    default:
      return null;
  }
}

function stringFor(format: unknown): string {
  switch (format) {
    case "date-time":
      return "2026-01-01T00:00:00Z";
    case "date":
      return "2026-01-01";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
    case "email":
      return "user@example.com";
    case "uri":
    case "url":
      return "https://example.com/";
    default:
      return "string";
  }
}

/** The value at a local `$ref` (`#/components/schemas/X`) in `document`. */
export function resolvePointer(document: Record<string, unknown>, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
