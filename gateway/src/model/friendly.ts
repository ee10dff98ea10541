/**
 * Zod issues turned into problems a publisher can act on, after Starlight's
 * `parseWithFriendlyErrors`: each issue names the field, says what is wrong
 * with the value that is there, and how to fix it; an unknown key lists the
 * allowed keys and suggests the closest; union noise is collapsed to the one
 * alternative the value came closest to. Each problem is placed on the YAML
 * node it is about (the key, the value, or the map missing a key).
 */
import type { z } from "zod";
import type { Problem } from "./catalog.ts";
import { didYouMean, expectedText, kindOf, listOf, problemAt, showValue } from "./problems.ts";
import { dottedPath, locate, type LocateMode, type PathSegment, type YamlSource } from "./source.ts";

/** Where a custom issue should point; schemas pass it as `params: { at }`. */
export interface IssueParams {
  at?: LocateMode;
  severity?: Problem["severity"];
}

export interface FriendlyOptions {
  /** Path of `input` inside the parsed document, when validating a part of it. */
  basePath?: readonly PathSegment[];
  /** How to name the value at the root in messages, e.g. `portal.yaml` or `the frontmatter`. */
  rootName?: string;
}

export interface FriendlyResult<T> {
  /** The parsed value, when there are no errors. */
  data?: T;
  problems: Problem[];
}

/**
 * Parses `input` with `schema` and reports every issue as a problem placed in
 * `source`. Issues with severity `warning` (see IssueParams) do not make the
 * parse fail.
 */
export function parseWithFriendlyErrors<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: YamlSource,
  options: FriendlyOptions = {},
): FriendlyResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data, problems: [] };
  const problems = issuesToProblems(result.error.issues, input, schema, source, options);
  return { problems };
}

interface Located {
  path: PathSegment[];
  at: LocateMode;
  message: string;
  severity?: Problem["severity"];
}

export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: z.ZodType,
  source: YamlSource,
  options: FriendlyOptions = {},
): Problem[] {
  const base = [...(options.basePath ?? [])];
  const context: Context = { input, schema, base, rootName: options.rootName ?? "the file" };
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const issue of issues) {
    for (const located of describe(issue, [], context)) {
      const full = [...base, ...located.path];
      const position = locate(source, full, located.at);
      const problem = problemAt(position, located.message, { path: dottedPath(full), severity: located.severity });
      const key = `${problem.line}:${problem.column}:${problem.message}`;
      if (source.tainted.has(`${problem.line}:${problem.column}`)) continue;
      if (!seen.has(key)) {
        seen.add(key);
        problems.push(problem);
      }
    }
  }
  return problems;
}

interface Context {
  input: unknown;
  schema: z.ZodType;
  base: PathSegment[];
  rootName: string;
}

type Issue = z.core.$ZodIssue;

/** `prefix` is the path of a union whose alternative produced `issue`. */
function describe(issue: Issue, prefix: PathSegment[], context: Context): Located[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const value = valueAt(context.input, path);
  const subject = subjectOf(path, context);

  switch (issue.code) {
    case "invalid_type": {
      if (!value.found && path.length > 0) {
        const key = path[path.length - 1]!;
        const container = path.slice(0, -1);
        const example = exampleFor(context.schema, path);
        const where = container.length === 0 ? "" : ` in ${dottedPath([...context.base, ...container])}`;
        const hint = example === undefined ? "" : `: add it, e.g. '${String(key)}: ${example}'`;
        return [{ path: container, at: "container", message: `missing required key '${String(key)}'${where}${hint}` }];
      }
      return [{ path, at: "value", message: `${subject} must be ${expectedText(issue.expected)}, not ${kindOf(value.value)}${typeHint(issue.expected, value.value)}` }];
    }
    case "invalid_value": {
      const allowed = issue.values.map((v) => (typeof v === "string" ? v : String(v)));
      const got = value.value;
      const suggestion = typeof got === "string" ? didYouMean(got, allowed) : "";
      const expectation = allowed.length === 1 ? `'${allowed[0]}'` : `one of ${listOf(allowed)}`;
      return [{ path, at: "value", message: `${subject} must be ${expectation}, not ${showValue(got)}${suggestion}` }];
    }
    case "unrecognized_keys": {
      const allowed = allowedKeys(context.schema, path);
      const where = path.length + context.base.length === 0 ? "" : ` in ${dottedPath([...context.base, ...path])}`;
      return issue.keys.map((key) => {
        const suggestion = didYouMean(key, allowed);
        const list = allowed.length === 0 ? "this map takes no keys" : `allowed keys: ${listOf(allowed, 30)}`;
        return { path: [...path, key], at: "key" as const, message: `unknown key '${key}'${where}${suggestion}; ${list}` };
      });
    }
    case "invalid_key": {
      const key = path[path.length - 1];
      const reasons = issue.issues.map((inner) => predicate(inner.message)).join("; ");
      const container = path.slice(0, -1);
      const where = container.length + context.base.length === 0 ? "" : ` in ${dottedPath([...context.base, ...container])}`;
      return [{ path, at: "key", message: `key '${String(key)}'${where} ${reasons}` }];
    }
    case "invalid_union":
      return collapseUnion(issue, path, value.value, subject, context);
    case "too_small":
    case "too_big":
      return [{ path, at: "value", message: `${subject} ${sizeText(issue)}${typeof value.value === "number" ? `, not ${value.value}` : ""}` }];
    case "invalid_format": {
      const custom = !issue.message.startsWith("Invalid");
      const text = custom ? predicate(issue.message) : `must be a valid ${issue.format}`;
      return [{ path, at: "value", message: `${subject} ${text}, not ${showValue(value.value)}` }];
    }
    case "not_multiple_of":
      return [{ path, at: "value", message: `${subject} must be a multiple of ${String(issue.divisor)}, not ${showValue(value.value)}` }];
    case "custom": {
      const params = (issue.params ?? {}) as IssueParams;
      const full = [...context.base, ...path];
      // "missing required key 'x'" reads like zod's own missing-key message:
      // the place is named after the key, not before it.
      const message = issue.message.startsWith("missing required key ")
        ? issue.message.replace(/^(missing required key '[^']*')/, `$1${full.length === 0 ? "" : ` in ${dottedPath(full)}`}`)
        : join(subject, issue.message);
      return [{ path, at: params.at ?? "value", message, severity: params.severity }];
    }
    default:
      return [{ path, at: "value", message: join(subject, issue.message) }];
  }
}

/**
 * A union's issues, one list per alternative. When every alternative failed
 * on the kind of the value itself, say which kinds would do; otherwise the
 * value was meant as the alternative that got furthest into it (its issues
 * have the deepest paths), so report that alternative's issues only.
 */
function collapseUnion(
  issue: Extract<Issue, { code: "invalid_union" }>,
  path: PathSegment[],
  value: unknown,
  subject: string,
  context: Context,
): Located[] {
  const alternatives = issue.errors.filter((list) => list.length > 0);
  const shallow = alternatives.every((list) =>
    list.every((inner) => inner.path.length === 0 && (inner.code === "invalid_type" || inner.code === "invalid_value")),
  );
  if (alternatives.length === 0 || shallow) {
    const expected = new Set<string>();
    for (const list of alternatives) {
      for (const inner of list) {
        if (inner.code === "invalid_type") expected.add(expectedText(inner.expected));
        if (inner.code === "invalid_value") for (const v of inner.values) expected.add(`'${String(v)}'`);
      }
    }
    const options = [...expected];
    const text = options.length <= 1 ? (options[0] ?? "valid") : `${options.slice(0, -1).join(", ")} or ${options.at(-1)}`;
    return [{ path, at: "value", message: `${subject} must be ${text}, not ${kindOf(value)}` }];
  }
  const depth = (list: readonly Issue[]): number => Math.max(...list.map((inner) => inner.path.length));
  const best = [...alternatives].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
  return best.flatMap((inner) => describe(inner, path, context));
}

function valueAt(input: unknown, path: readonly PathSegment[]): { found: boolean; value: unknown } {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return { found: false, value: undefined };
    const record = current as Record<string | number, unknown>;
    if (!Object.hasOwn(record, segment)) return { found: false, value: undefined };
    current = record[segment];
  }
  return { found: current !== undefined, value: current };
}

function subjectOf(path: readonly PathSegment[], context: Context): string {
  const full = [...context.base, ...path];
  return full.length === 0 ? context.rootName : dottedPath(full);
}

/**
 * Custom messages are written as predicates ("must …", "repeats …") that
 * follow the field's path, or as whole sentences put after it.
 */
const PREDICATE = /^(?:must|is|are|has|names|repeats) /;

function join(subject: string, message: string): string {
  return PREDICATE.test(message) ? `${subject} ${message}` : `${subject}: ${message}`;
}

function predicate(message: string): string {
  return PREDICATE.test(message) ? message : `is invalid: ${message}`;
}

/** The fix for the type mistakes YAML makes easy. */
function typeHint(expected: string, value: unknown): string {
  if ((expected === "number" || expected === "int") && typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) {
    return "; remove the quotes around it";
  }
  if (expected === "int" && typeof value === "number") return "; use a whole number";
  if (expected === "boolean" && typeof value === "string" && /^(yes|no|on|off|true|false|y|n)$/i.test(value)) {
    return "; write true or false, without quotes";
  }
  if (expected === "array" && (typeof value === "string" || typeof value === "number")) {
    return `; write a list, e.g. [${String(value)}]`;
  }
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return `; put it in quotes: "${String(value)}"`;
  }
  return "";
}

function sizeText(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "string":
      if (small && bound === 1) return "must not be empty";
      return `must be ${small ? "at least" : "at most"} ${bound} characters long`;
    case "array":
    case "set":
      if (small && bound === 1) return "must not be empty";
      return `must have ${small ? "at least" : "at most"} ${bound} ${bound === 1 ? "item" : "items"}`;
    default:
      if (inclusive) return `must be ${small ? "at least" : "at most"} ${bound}`;
      return `must be ${small ? "greater" : "less"} than ${bound}`;
  }
}

// --- walking a schema by path, for allowed keys and examples -------------

interface SchemaDef {
  type: string;
  [key: string]: unknown;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 32; i++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === "pipe") current = def.in as z.ZodType;
    else if (def.type === "lazy") current = (def.getter as () => z.ZodType)();
    else return current;
  }
  return current;
}

function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  const current = unwrap(schema);
  const def = defOf(current);
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      if (typeof segment === "string" && Object.hasOwn(shape, segment)) return shape[segment];
      const catchall = def.catchall as z.ZodType | undefined;
      return catchall !== undefined && defOf(catchall).type !== "never" ? catchall : undefined;
    }
    case "record":
      return def.valueType as z.ZodType;
    case "array":
      return def.element as z.ZodType;
    case "tuple":
      return (def.items as z.ZodType[])[Number(segment)] ?? (def.rest as z.ZodType | undefined);
    case "union":
      for (const option of def.options as z.ZodType[]) {
        const child = childSchema(option, segment);
        if (child !== undefined) return child;
      }
      return undefined;
    case "intersection":
      return childSchema(def.left as z.ZodType, segment) ?? childSchema(def.right as z.ZodType, segment);
    default:
      return undefined;
  }
}

function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** Keys a strict object at `path` allows, in the order the schema declares them. */
export function allowedKeys(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const at = schemaAt(schema, path);
  if (at === undefined) return [];
  const found = unwrap(at);
  const def = defOf(found);
  if (def.type === "object") return Object.keys(def.shape as object);
  if (def.type === "union") {
    const keys = new Set<string>();
    for (const option of def.options as z.ZodType[]) {
      const inner = defOf(unwrap(option));
      if (inner.type === "object") for (const key of Object.keys(inner.shape as object)) keys.add(key);
    }
    return [...keys];
  }
  return [];
}

/** The first `examples` entry in the metadata of the schema at `path`, if any. */
function exampleFor(schema: z.ZodType, path: readonly PathSegment[]): string | undefined {
  let current = schemaAt(schema, path);
  for (let i = 0; current !== undefined && i < 8; i++) {
    const examples = current.meta()?.examples;
    if (Array.isArray(examples) && examples.length > 0) return String(examples[0]);
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def.innerType as z.ZodType;
    else if (def.type === "pipe") current = def.in as z.ZodType;
    else return undefined;
  }
  return undefined;
}
