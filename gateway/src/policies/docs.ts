/**
 * The policy reference, generated from the policies themselves: the portal
 * renders one docs page per policy from `policyDocs()` (summary,
 * description, options table, example), so the reference cannot drift from
 * what `portico validate` accepts. Option types, defaults and requiredness
 * come from each policy's zod schema; descriptions from its `.meta()`.
 */
import { z } from "zod";
import { policyMetas } from "./define.ts";
import { CEL_VARIABLES } from "./expressions.ts";
import "./schemas.ts";
import type { PolicySection } from "./types.ts";

export interface PolicyOptionDoc {
  /** Dotted for nested options: `requiredClaims[].name`. */
  name: string;
  /** Human-readable: `integer`, `allow | deny`, `list of string`, `CEL condition`, … */
  type: string;
  required: boolean;
  /** The default as JSON, when there is one. */
  default?: unknown;
  /** Markdown. */
  description: string;
}

export interface PolicyDoc {
  name: string;
  summary: string;
  /** Markdown paragraphs. */
  description: string;
  /** Higher runs earlier when order is free; the reference lists policies in this order. */
  priority: number;
  sections: readonly PolicySection[];
  options: PolicyOptionDoc[];
  /** A YAML policy-document fragment using the policy. */
  example: string;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  default?: unknown;
  description?: string;
  celKind?: "condition" | "value";
  celValue?: boolean;
};

/** Every registered policy's reference, highest priority first. */
export function policyDocs(): PolicyDoc[] {
  return policyMetas().map((meta) => {
    const json = z.toJSONSchema(meta.schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    return {
      name: meta.name,
      summary: meta.summary,
      description: meta.description,
      priority: meta.priority,
      sections: meta.sections,
      options: optionsOf(json, ""),
      example: meta.example,
    };
  });
}

/** The CEL context, for the expressions page of the reference. */
export function celContextDocs(): Array<{ name: string; fields: Record<string, string>; description: string }> {
  return CEL_VARIABLES.map((v) => ({ name: v.name, fields: { ...v.fields }, description: v.description }));
}

function optionsOf(schema: JsonSchema, prefix: string): PolicyOptionDoc[] {
  const out: PolicyOptionDoc[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const doc: PolicyOptionDoc = {
      name: prefix + name,
      type: typeOf(prop),
      required: required.has(name) && prop.default === undefined,
      description: prop.description ?? "",
    };
    if (prop.default !== undefined) doc.default = prop.default;
    out.push(doc);
    // Lists of objects (requiredClaims, when) document their items' options too.
    const items = prop.items;
    if (items?.properties !== undefined && !prop.celValue) out.push(...optionsOf(items, `${prefix}${name}[].`));
  }
  return out;
}

function typeOf(s: JsonSchema): string {
  if (s.celKind === "condition") return "CEL condition";
  if (s.celKind === "value") return "CEL expression";
  if (s.celValue) return "string or { expr: CEL }";
  if (s.enum !== undefined) return s.enum.map(String).join(" | ");
  if (s.const !== undefined) return String(s.const);
  if (s.anyOf !== undefined) return [...new Set(s.anyOf.map(typeOf))].join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
  switch (type) {
    case "array":
      return s.items === undefined || Object.keys(s.items).length === 0 ? "list of policies" : `list of ${typeOf(s.items)}`;
    case "object":
      if (s.properties !== undefined) return "map";
      return typeof s.additionalProperties === "object" && Object.keys(s.additionalProperties).length > 0 ? `map of ${typeOf(s.additionalProperties)}` : "map";
    case "string":
      return s.format === "date-time" ? "date-time (ISO 8601)" : "string";
    case undefined:
      return "any";
    default:
      return type;
  }
}
