/**
 * JSON schemas of a definition expanded for a static page, to a bound.
 * Operation and schema pages print a schema as a tree of rows (a property,
 * an array's items, a variant of `oneOf`), following `$ref`s into the
 * definition. Definitions like Stripe's are recursive and very large, so
 * the expansion stops at a depth, at a row budget shared by the whole page,
 * and at any schema already open above (a cycle); a row cut short says why
 * and names the component schema, whose own page expands it further (the
 * rest "on demand", one page at a time). A page's size is therefore bounded
 * by the budget, whatever the definition.
 */

type Json = Record<string, unknown>;

export type CutReason = "depth" | "cycle" | "budget";

export interface SchemaRow {
  /** The property's name; undefined for a root, an array's items or a variant. */
  name?: string;
  /** What the row is when it is not a property: "items", "additional properties", "variant". */
  role?: "items" | "additional" | "variant";
  /** Type as printed: `string`, `integer (int64)`, `array of Customer`, `object`, `string | null`. */
  type: string;
  /** The component schema this row's type is (`#/components/schemas/<name>` or `#/definitions/<name>`). */
  schemaName?: string;
  /** For an array of a component schema, that schema's name (the type reads `array of <name>`). */
  itemsSchemaName?: string;
  required: boolean;
  deprecated: boolean;
  description: string;
  /** Constraints and hints: `enum: a, b`, `default: 5`, `max length: 10`, `read-only`. */
  facts: string[];
  children: SchemaRow[];
  /** Why the children stop here, when the schema has more than is shown. */
  cut?: CutReason;
}

export interface ExpandOptions {
  /** Levels of nested rows below a root (a root's own properties are level 1). */
  maxDepth: number;
}

/** Rows a page may print in all; shared by every schema on it. */
export class RowBudget {
  used = 0;
  readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  take(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }
}

const COMPONENT_REF = /^#\/(?:components\/schemas|definitions)\/([^/]+)$/;
const MAX_ENUM = 12;
const MAX_FACT = 80;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unescapePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

/** The component name of an internal `$ref`, if it points at one. */
export function componentName(ref: string): string | undefined {
  const m = COMPONENT_REF.exec(ref);
  return m ? unescapePointer(m[1]!) : undefined;
}

/** The component schemas of a definition (OpenAPI 3 `components.schemas`, Swagger 2 `definitions`). */
export function componentSchemas(document: Json): Record<string, unknown> {
  const components = isObject(document.components) ? document.components : undefined;
  if (components && isObject(components.schemas)) return components.schemas;
  return isObject(document.definitions) ? document.definitions : {};
}

function short(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > MAX_FACT ? text.slice(0, MAX_FACT - 1) + "…" : text;
}

interface Resolved {
  schema: Json | undefined;
  name?: string;
  broken?: string;
}

interface Summary {
  type: string;
  itemsSchemaName?: string;
  deprecated: boolean;
  description: string;
  facts: string[];
  owner: Json;
  kids: Child[];
}

/**
 * Per schema object of a definition (the catalog's documents live for the
 * whole build): where its `$ref`s lead, and what its row shows. A page
 * expands the same schemas as hundreds of others.
 */
const RESOLVED = new WeakMap<Json, Resolved>();
const SUMMARIES = new WeakMap<Json, Summary>();

interface Child {
  schema: unknown;
  name?: string;
  role?: SchemaRow["role"];
  required: boolean;
}

export class SchemaExpander {
  private readonly document: Json;
  private readonly options: ExpandOptions;
  private readonly budget: RowBudget;

  constructor(document: Json, options: ExpandOptions, budget: RowBudget) {
    this.document = document;
    this.options = options;
    this.budget = budget;
  }

  /** Follows `$ref`s to a schema object; the last component name met, if any. */
  private resolve(schema: unknown): Resolved {
    if (!isObject(schema)) return { schema: undefined };
    let known = RESOLVED.get(schema);
    if (!known) {
      known = this.follow(schema);
      RESOLVED.set(schema, known);
    }
    return known;
  }

  private follow(schema: Json): Resolved {
    let current: unknown = schema;
    let name: string | undefined;
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
      const ref = current.$ref;
      if (hops > 64 || !ref.startsWith("#")) return { schema: undefined, name, broken: ref };
      name = componentName(ref) ?? name;
      let target: unknown = this.document;
      for (const segment of ref.slice(1).split("/").filter((s) => s !== "")) {
        target = isObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[unescapePointer(segment)] : undefined;
      }
      if (target === undefined) return { schema: undefined, name, broken: ref };
      current = target;
    }
    return { schema: isObject(current) ? current : undefined, name };
  }

  /** A root row for `schema` (a body, a parameter, a response, a component). */
  root(schema: unknown, fields: { name?: string; required?: boolean; description?: string } = {}): SchemaRow {
    this.budget.take();
    return this.row(schema, { name: fields.name, required: fields.required ?? false, description: fields.description }, 0, new Set());
  }

  /** What a row shows of a schema object, the same wherever it appears: worked out once per object. */
  private summary(s: Json): Summary {
    let known = SUMMARIES.get(s);
    if (!known) {
      const merged = this.merge(s);
      const items = merged.items === undefined ? undefined : this.resolve(merged.items).name;
      known = {
        type: this.typeOf(merged),
        ...(items ? { itemsSchemaName: items } : {}),
        deprecated: merged.deprecated === true,
        description: typeof merged.description === "string" ? merged.description : "",
        facts: this.facts(merged),
        ...this.childSchemas(s, merged),
      };
      SUMMARIES.set(s, known);
    }
    return known;
  }

  private row(schema: unknown, at: { name?: string; role?: SchemaRow["role"]; required: boolean; description?: string }, depth: number, open: Set<Json>): SchemaRow {
    const { schema: s, name: schemaName, broken } = this.resolve(schema);
    const row: SchemaRow = {
      ...(at.name !== undefined ? { name: at.name } : {}),
      ...(at.role ? { role: at.role } : {}),
      type: broken ? `$ref ${broken} (not found)` : "any",
      ...(schemaName ? { schemaName } : {}),
      required: at.required,
      deprecated: false,
      description: at.description ?? "",
      facts: [],
      children: [],
    };
    if (!s) return row;
    const summary = this.summary(s);
    row.type = summary.type;
    if (summary.itemsSchemaName) row.itemsSchemaName = summary.itemsSchemaName;
    row.deprecated = summary.deprecated;
    if (!row.description) row.description = summary.description;
    row.facts = summary.facts;

    const { owner, kids } = summary;
    if (kids.length === 0) return row;
    if (open.has(owner)) {
      row.cut = "cycle";
      return row;
    }
    if (depth >= this.options.maxDepth) {
      row.cut = "depth";
      return row;
    }
    open.add(owner);
    for (const kid of kids) {
      if (!this.budget.take()) {
        row.cut = "budget";
        break;
      }
      row.children.push(this.row(kid.schema, kid, depth + 1, open));
    }
    open.delete(owner);
    return row;
  }

  /**
   * `allOf` folded into one schema (properties and required lists joined),
   * so inheritance reads as one object; members are resolved, and a member
   * already being merged (a cyclic `allOf`) is skipped.
   */
  private merge(s: Json, seen: Set<Json> = new Set()): Json {
    if (!Array.isArray(s.allOf)) return s;
    seen.add(s);
    const out: Json = { ...s };
    delete out.allOf;
    const properties: Json = {};
    const required = new Set<string>(Array.isArray(s.required) ? (s.required as string[]) : []);
    for (const member of s.allOf) {
      const { schema } = this.resolve(member);
      if (!schema || seen.has(schema)) continue;
      const m = this.merge(schema, seen);
      if (isObject(m.properties)) Object.assign(properties, m.properties);
      if (Array.isArray(m.required)) for (const r of m.required) if (typeof r === "string") required.add(r);
      for (const key of ["type", "description", "oneOf", "anyOf", "discriminator", "items", "additionalProperties", "enum", "format", "nullable"]) {
        if (out[key] === undefined && m[key] !== undefined) out[key] = m[key];
      }
    }
    if (isObject(s.properties)) Object.assign(properties, s.properties);
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      if (out.type === undefined) out.type = "object";
    }
    if (required.size > 0) out.required = [...required];
    return out;
  }

  /**
   * The rows below a schema and the schema they belong to (`owner`, what a
   * cycle is detected on): an array's rows are its items' rows, so
   * `array of Customer` is followed by Customer's properties.
   */
  private childSchemas(owner: Json, s: Json): { owner: Json; kids: Child[] } {
    const out: Child[] = [];
    const required = new Set(Array.isArray(s.required) ? (s.required as unknown[]) : []);
    if (isObject(s.properties)) {
      for (const [name, schema] of Object.entries(s.properties)) out.push({ schema, name, required: required.has(name) });
    }
    if (isObject(s.additionalProperties)) out.push({ schema: s.additionalProperties, role: "additional", required: false });
    for (const key of ["oneOf", "anyOf"] as const) {
      const variants = s[key];
      if (Array.isArray(variants)) for (const v of variants) out.push({ schema: v, role: "variant", required: false });
    }
    if (out.length === 0 && s.items !== undefined) {
      const { schema: items } = this.resolve(s.items);
      if (items && items !== owner) return this.childSchemas(items, this.merge(items));
    }
    return { owner, kids: out };
  }

  private typeOf(s: Json): string {
    const types = Array.isArray(s.type) ? (s.type as unknown[]).map(String) : typeof s.type === "string" ? [s.type] : [];
    let base: string;
    const main = types.filter((t) => t !== "null");
    if (main.includes("array") || (main.length === 0 && s.items !== undefined)) {
      const { schema: items, name } = this.resolve(s.items);
      base = `array of ${name ?? (items ? this.typeOf(this.merge(items)) : "any")}`;
    } else if (main.length > 0) {
      base = main.join(" | ");
    } else if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
      base = Array.isArray(s.oneOf) ? "one of" : "any of";
    } else if (isObject(s.properties) || isObject(s.additionalProperties)) {
      base = "object";
    } else if (Array.isArray(s.enum)) {
      base = typeof s.enum[0] === "number" ? "number" : "string";
    } else {
      base = "any";
    }
    if (typeof s.format === "string") base += ` (${s.format})`;
    if (types.includes("null") || s.nullable === true) base += " | null";
    return base;
  }

  private facts(s: Json): string[] {
    const facts: string[] = [];
    if (Array.isArray(s.enum)) {
      const shown = s.enum.slice(0, MAX_ENUM).map(short).join(", ");
      facts.push(`enum: ${shown}${s.enum.length > MAX_ENUM ? `, … (${s.enum.length} values)` : ""}`);
    }
    if (s.const !== undefined) facts.push(`const: ${short(s.const)}`);
    if (s.default !== undefined) facts.push(`default: ${short(s.default)}`);
    const bounds: Array<[string, string]> = [
      ["minimum", "min"],
      ["maximum", "max"],
      ["exclusiveMinimum", "greater than"],
      ["exclusiveMaximum", "less than"],
      ["minLength", "min length"],
      ["maxLength", "max length"],
      ["minItems", "min items"],
      ["maxItems", "max items"],
      ["multipleOf", "multiple of"],
    ];
    for (const [key, label] of bounds) if (typeof s[key] === "number") facts.push(`${label}: ${s[key]}`);
    if (typeof s.pattern === "string") facts.push(`pattern: ${short(s.pattern)}`);
    if (isObject(s.discriminator) && typeof s.discriminator.propertyName === "string") facts.push(`discriminator: ${s.discriminator.propertyName}`);
    if (s.readOnly === true) facts.push("read-only");
    if (s.writeOnly === true) facts.push("write-only");
    if (s.example !== undefined && !isObject(s.example) && !Array.isArray(s.example)) facts.push(`example: ${short(s.example)}`);
    return facts;
  }
}
