/**
 * OpenAPI schemas made into JSON Schema that ajv compiles: OpenAPI 3.0's
 * `nullable` and boolean exclusive bounds (and Swagger 2.0's `x-nullable`)
 * become their draft-07 forms; 3.1 schemas are JSON Schema 2020-12 already.
 * One ajv instance per definition document, so `$ref`s into it resolve and
 * shared schemas compile once.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

interface Compiler {
  ajv: Ajv;
  /** The document's non-path parts, converted, for `$ref`s to point into. */
  root: Record<string, unknown>;
}

const compilers = new WeakMap<Record<string, unknown>, Compiler>();

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

function compilerFor(document: Record<string, unknown>, specVersion: string): Compiler {
  let compiler = compilers.get(document);
  if (compiler !== undefined) return compiler;
  const modern = specVersion.startsWith("3.1");
  const ajv = (modern ? new Ajv2020({ strict: false, allErrors: true, validateFormats: true }) : new Ajv({ strict: false, allErrors: true, validateFormats: true })) as Ajv;
  addFormats(ajv);
  // OpenAPI's own formats.
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("float", { type: "number", validate: () => true });
  ajv.addFormat("double", { type: "number", validate: () => true });
  ajv.addFormat("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  ajv.addFormat("binary", true);
  ajv.addFormat("password", true);
  const { paths: _paths, ...rest } = document;
  const root = (modern ? rest : toJsonSchema(rest)) as Record<string, unknown>;
  compiler = { ajv, root };
  compilers.set(document, compiler);
  return compiler;
}

/** A validator for `schema`, a schema found in `document` (its `$ref`s point into it). */
export function compileSchema(schema: unknown, document: Record<string, unknown>, specVersion: string): ValidateFunction {
  const { ajv, root } = compilerFor(document, specVersion);
  const converted = specVersion.startsWith("3.1") ? schema : toJsonSchema(schema);
  // The document's parts sit beside allOf so that `#/components/...` and
  // `#/definitions/...` resolve; allOf (not a sibling $ref) because draft-07
  // ignores keywords beside $ref.
  return ajv.compile({ ...root, allOf: [converted] });
}

/** OpenAPI 3.0 / Swagger 2.0 schema keywords in their JSON Schema draft-07 form. */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = toJsonSchema(v);
  for (const side of ["Minimum", "Maximum"] as const) {
    const flag = out[`exclusive${side}`];
    const bound = out[side.toLowerCase()];
    if (typeof flag === "boolean") {
      delete out[`exclusive${side}`];
      if (flag && typeof bound === "number") {
        out[`exclusive${side}`] = bound;
        delete out[side.toLowerCase()];
      }
    }
  }
  if (out.nullable === true || out["x-nullable"] === true) {
    delete out.nullable;
    delete out["x-nullable"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.type === "string") {
      out.type = [out.type, "null"];
      return out;
    }
    if (Array.isArray(out.type)) {
      if (!out.type.includes("null")) out.type = [...out.type, "null"];
      return out;
    }
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}
