/**
 * OpenAPI definitions: read (YAML or JSON, with positions), validated with
 * swagger-parser, bundled into one serialisable document, and reduced to the
 * operations the gateway routes and the portal renders.
 *
 * Two rules shape this module:
 * - swagger-parser dereferences the object it validates in place, creating
 *   cycles for recursive schemas; it always gets a deep copy, and the
 *   catalog keeps the *bundled* document (external `$ref`s inlined, internal
 *   ones kept), which stays acyclic and serialisable.
 * - A definition may only read files inside its API's folder: `$ref`s to
 *   URLs or to files elsewhere are refused, so a build never fetches from
 *   the network or reads outside the content folder.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { HttpMethod, Operation, OperationParameter, Problem, SourcePosition } from "./catalog.ts";
import { closest, didYouMean, expectedText, kindOf, listOf, problemAt, showValue, startOf } from "./problems.ts";
import { dottedPath, locate, parseYaml, textFile, type LocateMode, type PathSegment, type YamlSource } from "./source.ts";

export const HTTP_METHODS: readonly HttpMethod[] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

export interface DefinitionInput {
  /** Absolute path of the definition file. */
  file: string;
  /** The API's folder: `$ref`s may only name files inside it. */
  apiDir: string;
  /** Turns an absolute path into the path printed in problems. */
  display: (absolute: string) => string;
}

export interface LoadedDefinition {
  /** The bundled definition: external `$ref`s inlined, internal ones kept. */
  document: Record<string, unknown>;
  /** `openapi` 3.x version string, or `2.0` for Swagger. */
  specVersion: string;
  operations: Operation[];
  title: string;
  description: string;
  /** Absolute paths of every file read: the definition and the files its `$ref`s name. */
  files: string[];
}

export interface DefinitionResult {
  definition?: LoadedDefinition;
  problems: Problem[];
}

type Json = Record<string, unknown>;

/** JSON.parse's value, or undefined when the text is not valid JSON (the YAML parser then says where). */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Loads, validates and bundles one definition, and extracts its operations. */
export async function loadDefinition(input: DefinitionInput): Promise<DefinitionResult> {
  const shown = input.display(input.file);
  let text: string;
  try {
    text = await readFile(input.file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    return { problems: [problemAt(startOf(shown), `cannot read the OpenAPI definition: ${reason}`)] };
  }
  // Definitions are read as they are: `${…}` is common in their examples and
  // descriptions, so environment substitution applies to Portico's files only.
  // A JSON definition is parsed with JSON.parse, many times faster than the
  // YAML parser on a large file; the YAML parser's positions are needed only
  // to place a problem, so it runs then (or when JSON.parse fails, for the
  // line and column of the syntax error).
  const json = /\.json$/i.test(input.file) ? parseJson(text) : undefined;
  let parsedSource: YamlSource | undefined;
  let raw: unknown;
  const problems: Problem[] = [];
  if (json !== undefined) {
    raw = json.value;
  } else {
    const parsed = parseYaml(textFile(shown, text), { language: /\.json$/i.test(input.file) ? "JSON" : "YAML" });
    if (parsed.value === undefined) return { problems: parsed.problems };
    problems.push(...parsed.problems);
    parsedSource = parsed.source;
    raw = parsed.value;
  }
  const source = (): YamlSource => (parsedSource ??= parseYaml(textFile(shown, text), { language: "JSON" }).source);
  if (!isObject(raw) || (raw.openapi === undefined && raw.swagger === undefined)) {
    const got = isObject(raw) ? "a map without either key" : kindOf(raw);
    problems.push(
      problemAt(
        locate(source(), []),
        `this file is not an OpenAPI definition: expected a map with 'openapi: 3.x.y' (OpenAPI 3) or 'swagger: "2.0"' (Swagger 2), got ${got}`,
      ),
    );
    return { problems };
  }

  const files = new Set<string>([path.resolve(input.file)]);
  const options = parserOptions(input, files);
  try {
    await new SwaggerParser().validate(input.file, structuredClone(raw) as never, options);
  } catch (error) {
    problems.push(...validationProblems(error, raw, source, input));
    // A broken `$ref` stops swagger-parser before it checks the definition
    // against the OpenAPI schema. Check again with the broken references left
    // unresolved (a `$ref` object is valid wherever one is allowed), so that
    // one run reports both kinds of problem.
    const broken = brokenRefPointers(error, input);
    if (broken.size > 0) {
      const skip = (pointer: string) => broken.has(pointer);
      const again = { ...options, resolveExcludedPathMatcher: skip, dereference: { ...options.dereference, excludedPathMatcher: skip } };
      try {
        await new SwaggerParser().validate(input.file, structuredClone(raw) as never, again as SwaggerParser.Options);
      } catch (second) {
        if (brokenRefPointers(second, input).size === 0) problems.push(...validationProblems(second, raw, source, input));
      }
    }
    problems.push(...duplicateOperationIds(raw, source));
    return { problems: unique(problems) };
  }

  let document: Json;
  try {
    const bundled = await new SwaggerParser().bundle(input.file, structuredClone(raw) as never, options);
    // Through JSON once: the catalog is plain data, and bundling may share
    // one object between two places, which must not surprise a consumer
    // that mutates its copy.
    document = JSON.parse(JSON.stringify(bundled)) as Json;
  } catch (error) {
    problems.push(...validationProblems(error, raw, source, input));
    return { problems };
  }

  const extracted = extractOperations(document, raw, source);
  problems.push(...extracted.problems);
  const info = isObject(document.info) ? document.info : {};
  return {
    definition: {
      document,
      specVersion: typeof document.openapi === "string" ? document.openapi : "2.0",
      operations: extracted.operations,
      title: typeof info.title === "string" ? info.title : "",
      description: typeof info.description === "string" ? info.description : "",
      files: [...files].sort(),
    },
    problems,
  };
}

// --- reading referenced files ------------------------------------------------

interface RefFileInfo {
  url: string;
}

function parserOptions(input: DefinitionInput, files: Set<string>): SwaggerParser.Options {
  const apiDir = path.resolve(input.apiDir);
  return {
    // Report every broken reference at once rather than the first.
    continueOnError: true,
    // Validation dereferences the whole definition. Large APIs chain schemas
    // through hundreds of `$ref`s before a cycle closes (Stripe's objects
    // reference objects across the API), which the parser's default bound of
    // 500 nested references refuses; cycles themselves are kept as shared
    // objects, so this bound only has to exceed the longest chain. (Chains of
    // about a thousand schemas still exhaust the call stack and are reported.)
    dereference: { maxDepth: 20_000 },
    resolve: {
      http: false,
      file: {
        order: 1,
        canRead: true,
        async read(info: RefFileInfo) {
          if (/^[a-z][a-z0-9+.-]+:/i.test(info.url) && !info.url.startsWith("file:")) {
            throw new Error(`refers to ${info.url}: a definition may only use files in its API's folder, not URLs`);
          }
          const target = path.resolve(info.url.startsWith("file:") ? fileURLToPath(info.url) : safeDecode(info.url));
          const relative = path.relative(apiDir, target);
          if (relative.startsWith("..") || path.isAbsolute(relative)) {
            throw new Error(
              `refers to ${input.display(target)}, outside the API's folder ${input.display(apiDir)}: copy the file into the folder`,
            );
          }
          try {
            const content = await readFile(target);
            files.add(target);
            return content;
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            throw new Error(code === "ENOENT" ? `refers to ${input.display(target)}, which does not exist` : (error as Error).message);
          }
        },
      },
    },
  } as SwaggerParser.Options;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

// --- turning swagger-parser's errors into problems ----------------------------

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

interface RefError {
  name: string;
  message: string;
  path?: Array<string | number> | null;
  source?: string;
  targetToken?: string;
}

function validationProblems(error: unknown, raw: Json, source: () => YamlSource, input: DefinitionInput): Problem[] {
  const err = error as Error & { details?: AjvError[]; errors?: RefError[] };
  if (Array.isArray(err.details)) return ajvProblems(err.details, raw, source);
  if (err.name === "JSONParserErrorGroup" && Array.isArray(err.errors)) {
    return err.errors.map((refError) => refProblem(refError, raw, source, input));
  }
  if (typeof (err as RefError).source === "string" && "path" in err) {
    return [refProblem(err as RefError, raw, source, input)];
  }
  return [specProblem(err.message, raw, source)];
}

/** Problems without repeats (swagger-parser and our own checks may find one thing twice). */
function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** JSON pointers (`#/paths/~1echo/get`) of the `$ref`s in this file that could not be followed. */
function brokenRefPointers(error: unknown, input: DefinitionInput): Set<string> {
  const err = error as { name?: string; errors?: RefError[] } & RefError;
  const list: RefError[] = err.name === "JSONParserErrorGroup" && Array.isArray(err.errors) ? err.errors : typeof err.source === "string" ? [err] : [];
  const pointers = new Set<string>();
  for (const refError of list) {
    const inThisFile = refError.source === undefined || path.resolve(safeDecode(refError.source)) === path.resolve(input.file);
    if (inThisFile && Array.isArray(refError.path)) pointers.add(`#/${refError.path.map((s) => escapePointer(String(s))).join("/")}`);
  }
  return pointers;
}

/**
 * operationIds used twice, found in the definition as written: when it is
 * invalid, operations are not extracted, but this is still worth reporting
 * in the same run.
 */
function duplicateOperationIds(raw: Json, source: () => YamlSource): Problem[] {
  const first = new Map<string, { path: PathSegment[] }>();
  const problems: Problem[] = [];
  for (const place of operationIdPlaces(raw)) {
    const earlier = first.get(place.id);
    if (earlier === undefined) first.set(place.id, place);
    else problems.push(problemAt(locate(source(), place.path), duplicateMessage(place.id, earlier), { path: dottedPath(place.path) }));
  }
  return problems;
}

/** A `$ref` that could not be followed, placed on the `$ref` when it is in this file. */
function refProblem(error: RefError, raw: Json, source: () => YamlSource, input: DefinitionInput): Problem {
  const at = Array.isArray(error.path) ? error.path.map(String) : [];
  const inThisFile = error.source === undefined || path.resolve(safeDecode(error.source)) === path.resolve(input.file);
  const holder = inThisFile ? valueAtPath(raw, at) : undefined;
  const ref = isObject(holder) && typeof holder.$ref === "string" ? holder.$ref : undefined;
  const what = ref === undefined ? "a $ref" : `$ref ${JSON.stringify(ref)}`;
  let reason = error.message.replace(/^Error opening file [^:]*: /, "");
  if (error.name === "MissingPointerError") {
    reason = ref?.startsWith("#") ? `points to nothing: ${missingStep(raw, ref)}` : `points to nothing${error.targetToken === undefined ? "" : `: there is no '${error.targetToken}'`}`;
  } else if (error.name === "ParserError") {
    reason = `names a file that is not valid YAML or JSON: ${error.message.replace(/^Error parsing [^:]*: /, "")}`;
  }
  const position = inThisFile ? locate(source(), [...at, "$ref"], "value") : startOf(input.display(safeDecode(error.source ?? input.file)));
  return problemAt(position, `${what} ${reason}`, { path: inThisFile ? dottedPath(at) : undefined });
}

/** Where a local pointer stops matching the document: `#/components/responses has no 'Echo' (did you mean …)`. */
function missingStep(raw: Json, ref: string): string {
  const segments = pointerSegments(ref);
  let current: unknown = raw;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const holder = deref(raw, current);
    if (holder === null || typeof holder !== "object" || !Object.hasOwn(holder, segment)) {
      const parent = i === 0 ? "the definition" : `#/${segments.slice(0, i).map(escapePointer).join("/")}`;
      const keys = holder !== null && typeof holder === "object" ? Object.keys(holder) : [];
      const suggestion = closest(segment, keys);
      const hint = suggestion === undefined ? "" : ` (did you mean '#/${[...segments.slice(0, i), suggestion].map(escapePointer).join("/")}'?)`;
      return `${parent} has no '${segment}'${hint}`;
    }
    current = (holder as Record<string, unknown>)[segment];
  }
  return "the target does not exist";
}

/**
 * Ajv reports every branch of every `oneOf` it tried; most of that is noise
 * about alternatives the author never meant (a parameter is not a
 * `Reference`). Keep what describes the author's intent: the deepest
 * errors, with branch errors dropped where a deeper error explains them,
 * enum alternatives merged, and alternatives of one `oneOf` merged.
 */
function ajvProblems(errors: readonly AjvError[], raw: Json, source: () => YamlSource): Problem[] {
  const kept = errors.filter(
    (e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && e.keyword !== "if" && !(e.keyword === "required" && e.params.missingProperty === "$ref"),
  );
  const paths = kept.map((e) => e.instancePath);
  const explained = (e: AjvError) =>
    /\/(?:oneOf|anyOf)\/\d+/.test(e.schemaPath) && paths.some((p) => p.startsWith(`${e.instancePath}/`));
  const relevant = kept.filter((e) => !explained(e));

  const problems: Problem[] = [];
  const groups = new Map<string, AjvError[]>();
  for (const e of relevant) {
    const key = `${e.instancePath}\u0000${e.keyword}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  for (const group of groups.values()) {
    const first = group[0]!;
    const at = typedPath(raw, pointerSegments(first.instancePath));
    const subject = at.length === 0 ? "the definition" : dottedPath(at);
    const value = valueAtPath(raw, at);
    const place = (segments: PathSegment[], mode: LocateMode): SourcePosition => locate(source(), followRefs(raw, segments), mode);
    switch (first.keyword) {
      case "additionalProperties":
        for (const e of group) {
          const key = String(e.params.additionalProperty);
          problems.push(
            problemAt(place([...at, key], "key"), `unknown key '${key}' in ${subject}: OpenAPI does not define it here (extensions start with 'x-')`, {
              path: dottedPath([...at, key]),
            }),
          );
        }
        break;
      case "required": {
        const missing = [...new Set(group.map((e) => String(e.params.missingProperty)))];
        const fromBranches = group.every((e) => /\/(?:oneOf|anyOf)\/\d+/.test(e.schemaPath));
        const keys = missing.map((k) => `'${k}'`);
        const text = fromBranches && keys.length > 1 ? `missing required key ${keys.join(" or ")}` : `missing required key ${keys.join(", ")}`;
        problems.push(problemAt(place(at, "container"), `${text} in ${subject}`, { path: dottedPath(at) }));
        break;
      }
      case "enum": {
        const allowed = [...new Set(group.flatMap((e) => (e.params.allowedValues as unknown[]).map(String)))];
        const suggestion = typeof value === "string" ? didYouMean(value, allowed) : "";
        problems.push(
          problemAt(place(at, "value"), `${subject} must be one of ${listOf(allowed)}, not ${showValue(value)}${suggestion}`, {
            path: dottedPath(at),
          }),
        );
        break;
      }
      case "type": {
        const types = [...new Set(group.flatMap((e) => String(e.params.type).split(",")).map(expectedText))];
        problems.push(
          problemAt(place(at, "value"), `${subject} must be ${types.join(" or ")}, not ${kindOf(value)}`, { path: dottedPath(at) }),
        );
        break;
      }
      default:
        for (const e of new Map(group.map((e) => [e.message, e])).values()) {
          problems.push(problemAt(place(at, "value"), `${subject} ${e.message ?? "is invalid"}`, { path: dottedPath(at) }));
        }
    }
  }
  return problems;
}

/**
 * swagger-parser's own checks (Swagger 2 only) throw one SyntaxError with a
 * path written as `/paths<path>/<method>`; find the path in the message to
 * place the problem, else place it at the top of the file.
 */
function specProblem(message: string, raw: Json, source: () => YamlSource): Problem {
  const text = message.split("\n")[0]!.replace(/^Validation failed\.\s*/, "");
  const duplicate = /Duplicate operation id '([^']*)'/.exec(text);
  if (duplicate !== null) {
    const places = operationIdPlaces(raw).filter((place) => place.id === duplicate[1]);
    const second = places[1] ?? places[0];
    if (second !== undefined) {
      return problemAt(locate(source(), second.path), duplicateMessage(duplicate[1]!, places[0]!), { path: dottedPath(second.path) });
    }
  }
  const paths = isObject(raw.paths) ? Object.keys(raw.paths) : [];
  const named = paths
    .filter((p) => text.includes(`/paths${p}`))
    .sort((a, b) => b.length - a.length)[0];
  if (named !== undefined) {
    const after = text.slice(text.indexOf(`/paths${named}`) + `/paths${named}`.length);
    const method = /^\/([a-z]+)/.exec(after)?.[1];
    const at: PathSegment[] = ["paths", named];
    let message = text;
    if (method !== undefined && (HTTP_METHODS as readonly string[]).includes(method)) {
      at.push(method);
      message = text.replace(`/paths${named}/${method}`, `${method.toUpperCase()} ${named}`);
    }
    return problemAt(locate(source(), at, "key"), message, { path: dottedPath(at) });
  }
  const definition = /\/definitions\/([^\s/]+)/.exec(text);
  if (definition !== null) return problemAt(locate(source(), ["definitions", definition[1]!]), text);
  return problemAt(locate(source(), []), text.charAt(0).toLowerCase() + text.slice(1));
}

function operationIdPlaces(raw: Json): Array<{ id: string; path: PathSegment[] }> {
  const places: Array<{ id: string; path: PathSegment[] }> = [];
  if (!isObject(raw.paths)) return places;
  for (const [pathName, item] of Object.entries(raw.paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (isObject(operation) && typeof operation.operationId === "string") {
        places.push({ id: operation.operationId, path: ["paths", pathName, method, "operationId"] });
      }
    }
  }
  return places;
}

function duplicateMessage(id: string, first: { path: PathSegment[] }): string {
  const [, pathName, method] = first.path;
  return `operationId '${id}' is already used by ${String(method).toUpperCase()} ${String(pathName)}: operationIds must be unique in a definition`;
}

// --- JSON pointers -------------------------------------------------------------

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** `#/paths/~1pets/get` or `/paths/~1pets/get` → `["paths", "/pets", "get"]`. */
export function pointerSegments(pointer: string): string[] {
  const body = pointer.replace(/^#/, "");
  if (body === "" || body === "/") return [];
  return body
    .slice(1)
    .split("/")
    .map((segment) => safeDecode(segment).replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAtPath(root: unknown, segments: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[String(segment)];
  }
  return current;
}

/** Pointer segments with list indices as numbers, so they print as `parameters[0]`. */
function typedPath(raw: Json, segments: readonly string[]): PathSegment[] {
  const typed: PathSegment[] = [];
  let current: unknown = raw;
  for (const segment of segments) {
    current = deref(raw, current);
    const index = Array.isArray(current) && /^\d+$/.test(segment) ? Number(segment) : undefined;
    typed.push(index ?? segment);
    current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return typed;
}

/**
 * A path through the validated (dereferenced) document, rewritten as a path
 * in the source file: wherever it passes a local `$ref`, it continues at the
 * referenced node, so a problem in `components/schemas/Pet` is placed there
 * and not on every `$ref` to it. It stops at external `$ref`s.
 */
function followRefs(raw: Json, segments: readonly PathSegment[]): PathSegment[] {
  let resolved: PathSegment[] = [];
  let current: unknown = raw;
  for (let i = 0; i < segments.length; i++) {
    for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 32; hops++) {
      const ref = current.$ref as string;
      if (!ref.startsWith("#")) return resolved;
      resolved = pointerSegments(ref);
      current = valueAtPath(raw, resolved);
    }
    const segment = segments[i]!;
    resolved = [...resolved, segment];
    current = current !== null && typeof current === "object" ? (current as Record<string, unknown>)[String(segment)] : undefined;
  }
  return resolved;
}

/** Follows local `$ref`s from `value` until a non-reference (or a dead end). */
function deref(document: Json, value: unknown): unknown {
  let current = value;
  for (let hops = 0; isObject(current) && typeof current.$ref === "string" && hops < 32; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith("#")) return current;
    current = valueAtPath(document, pointerSegments(ref));
  }
  return current;
}

// --- operations -----------------------------------------------------------------

/** Keys of a Swagger 2 non-body parameter that belong to its JSON schema. */
const SWAGGER2_SCHEMA_KEYS = [
  "type",
  "format",
  "items",
  "enum",
  "default",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
  "multipleOf",
];

/**
 * `get /drones/{droneId}/missions` → `get-drones-droneid-missions`: the id of
 * an operation whose definition gives none, stable as long as its method and
 * path are.
 */
export function derivedOperationId(method: HttpMethod, pathTemplate: string): string {
  const slug = pathTemplate
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? method : `${method}-${slug}`;
}

/**
 * The operations of a bundled definition, in document order. Parameters,
 * request bodies and responses are resolved one level (so `$ref`s to
 * `components/parameters` and the like become the objects they name);
 * schemas are kept as written, with any `$ref`s in them pointing into the
 * definition's document, which keeps recursive schemas finite.
 */
export function extractOperations(
  document: Json,
  raw: Json,
  source: () => YamlSource,
): { operations: Operation[]; problems: Problem[] } {
  const operations: Operation[] = [];
  const problems: Problem[] = [];
  const swagger2 = document.swagger === "2.0";
  const byId = new Map<string, { method: HttpMethod; path: string; explicit: boolean }>();
  const paths = isObject(document.paths) ? document.paths : {};

  for (const [pathTemplate, itemValue] of Object.entries(paths)) {
    const item = deref(document, itemValue);
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const operationValue = item[method];
      if (!isObject(operationValue)) continue;
      const op = operationValue;
      const explicit = typeof op.operationId === "string" && op.operationId !== "";
      const id = explicit ? (op.operationId as string) : derivedOperationId(method, pathTemplate);
      const taken = byId.get(id);
      if (taken !== undefined) {
        const where = explicit ? ["paths", pathTemplate, method, "operationId"] : ["paths", pathTemplate, method];
        const message = explicit
          ? `operationId '${id}' is already used by ${taken.method.toUpperCase()} ${taken.path}: operationIds must be unique in a definition`
          : `${method.toUpperCase()} ${pathTemplate} has no operationId and its derived id '${id}' is already used by ${taken.method.toUpperCase()} ${taken.path}: give it an operationId`;
        problems.push(problemAt(locate(source(), followRefs(raw, where), explicit ? "value" : "key"), message, { path: dottedPath(where) }));
        continue;
      }
      byId.set(id, { method, path: pathTemplate, explicit });

      const parameters = mergeParameters(document, shared, Array.isArray(op.parameters) ? op.parameters : []);
      const operation: Operation = {
        id,
        method,
        path: pathTemplate,
        summary: typeof op.summary === "string" ? op.summary : "",
        description: typeof op.description === "string" ? op.description : "",
        tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === "string") : [],
        deprecated: op.deprecated === true,
        parameters: parameters.flatMap((p) => operationParameter(p, swagger2)),
        responses: swagger2 ? swagger2Responses(document, op) : oas3Responses(document, op),
      };
      const requestBody = swagger2 ? swagger2RequestBody(document, op, parameters) : oas3RequestBody(document, op);
      if (requestBody !== undefined) operation.requestBody = requestBody;
      operations.push(operation);
    }
  }
  return { operations, problems };
}

/** Path-level parameters, overridden by operation-level ones with the same name and location. */
function mergeParameters(document: Json, shared: unknown[], own: unknown[]): Json[] {
  const merged = new Map<string, Json>();
  for (const value of [...shared, ...own]) {
    const parameter = deref(document, value);
    if (!isObject(parameter) || typeof parameter.name !== "string" || typeof parameter.in !== "string") continue;
    merged.set(`${parameter.in}\u0000${parameter.name}`, parameter);
  }
  return [...merged.values()];
}

function operationParameter(parameter: Json, swagger2: boolean): OperationParameter[] {
  const location = parameter.in;
  if (location !== "path" && location !== "query" && location !== "header" && location !== "cookie") return [];
  const result: OperationParameter = {
    name: parameter.name as string,
    in: location,
    required: location === "path" ? true : parameter.required === true,
  };
  if (typeof parameter.description === "string") result.description = parameter.description;
  let schema: unknown;
  if (swagger2) {
    const built: Json = {};
    for (const key of SWAGGER2_SCHEMA_KEYS) if (parameter[key] !== undefined) built[key] = parameter[key];
    schema = Object.keys(built).length > 0 ? built : undefined;
  } else if (parameter.schema !== undefined) {
    schema = parameter.schema;
  } else if (isObject(parameter.content)) {
    const media = Object.values(parameter.content)[0];
    schema = isObject(media) ? media.schema : undefined;
  }
  if (schema !== undefined) result.schema = schema;
  return [result];
}

function oas3RequestBody(document: Json, op: Json): Operation["requestBody"] {
  const body = deref(document, op.requestBody);
  if (!isObject(body)) return undefined;
  const content: Record<string, { schema?: unknown }> = {};
  if (isObject(body.content)) {
    for (const [mediaType, mediaValue] of Object.entries(body.content)) {
      const media = isObject(mediaValue) ? mediaValue : {};
      content[mediaType] = media.schema === undefined ? {} : { schema: media.schema };
    }
  }
  return { required: body.required === true, content };
}

function mediaTypes(document: Json, op: Json, key: "consumes" | "produces"): string[] {
  const own = op[key];
  const global = document[key];
  const list = Array.isArray(own) ? own : Array.isArray(global) ? global : ["application/json"];
  const types = list.filter((t): t is string => typeof t === "string");
  return types.length > 0 ? types : ["application/json"];
}

/** Swagger 2's `in: body` (or `in: formData`) parameters as an OpenAPI 3 style request body. */
function swagger2RequestBody(document: Json, op: Json, parameters: Json[]): Operation["requestBody"] {
  const consumes = mediaTypes(document, op, "consumes");
  const body = parameters.find((p) => p.in === "body");
  if (body !== undefined) {
    const content: Record<string, { schema?: unknown }> = {};
    for (const mediaType of consumes) content[mediaType] = body.schema === undefined ? {} : { schema: body.schema };
    return { required: body.required === true, content };
  }
  const form = parameters.filter((p) => p.in === "formData");
  if (form.length === 0) return undefined;
  const properties: Json = {};
  const required: string[] = [];
  for (const field of form) {
    const schema: Json = {};
    for (const key of SWAGGER2_SCHEMA_KEYS) if (field[key] !== undefined) schema[key] = field[key];
    // Swagger 2's `type: file` is a binary string in JSON Schema terms.
    if (field.type === "file") Object.assign(schema, { type: "string", format: "binary" });
    if (typeof field.description === "string") schema.description = field.description;
    properties[field.name as string] = schema;
    if (field.required === true) required.push(field.name as string);
  }
  const mediaType =
    consumes.find((t) => t === "multipart/form-data") ??
    (form.some((f) => f.type === "file") ? "multipart/form-data" : "application/x-www-form-urlencoded");
  const schema: Json = { type: "object", properties };
  if (required.length > 0) schema.required = required;
  return { required: required.length > 0, content: { [mediaType]: { schema } } };
}

type Responses = Operation["responses"];

function oas3Responses(document: Json, op: Json): Responses {
  const responses: Responses = {};
  if (!isObject(op.responses)) return responses;
  for (const [status, responseValue] of Object.entries(op.responses)) {
    const response = deref(document, responseValue);
    if (!isObject(response)) continue;
    const content: Responses[string]["content"] = {};
    if (isObject(response.content)) {
      for (const [mediaType, mediaValue] of Object.entries(response.content)) {
        const media = isObject(mediaValue) ? mediaValue : {};
        const entry: { schema?: unknown; example?: unknown } = {};
        if (media.schema !== undefined) entry.schema = media.schema;
        const example = oas3Example(document, media);
        if (example !== undefined) entry.example = example;
        content[mediaType] = entry;
      }
    }
    responses[status] = { description: typeof response.description === "string" ? response.description : "", content };
  }
  return responses;
}

/** `example`, else the first of `examples` that has an inline `value`. */
function oas3Example(document: Json, media: Json): unknown {
  if (media.example !== undefined) return media.example;
  if (!isObject(media.examples)) return undefined;
  for (const exampleValue of Object.values(media.examples)) {
    const example = deref(document, exampleValue);
    if (isObject(example) && example.value !== undefined) return example.value;
  }
  return undefined;
}

function swagger2Responses(document: Json, op: Json): Responses {
  const responses: Responses = {};
  if (!isObject(op.responses)) return responses;
  const produces = mediaTypes(document, op, "produces");
  for (const [status, responseValue] of Object.entries(op.responses)) {
    const response = deref(document, responseValue);
    if (!isObject(response)) continue;
    const examples = isObject(response.examples) ? response.examples : {};
    const content: Responses[string]["content"] = {};
    if (response.schema !== undefined) {
      for (const mediaType of produces) content[mediaType] = { schema: response.schema };
    }
    for (const [mediaType, example] of Object.entries(examples)) {
      content[mediaType] = { ...(content[mediaType] ?? (response.schema === undefined ? {} : { schema: response.schema })), example };
    }
    responses[status] = { description: typeof response.description === "string" ? response.description : "", content };
  }
  return responses;
}
