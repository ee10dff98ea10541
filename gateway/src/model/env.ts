/**
 * `${NAME}` and `${NAME:-default}` in content files, so that one content repo
 * serves staging and production (`backend: http://${BACKEND_HOST:-localhost}`).
 *
 * Substitution runs on the parsed YAML tree, scalar by scalar, rather than on
 * the file's text: a value can then never inject YAML structure (a `: ` or a
 * newline in a variable stays inside its string), and every problem keeps the
 * position of the scalar it came from.
 */
import { Scalar, visit, type Document } from "yaml";
import type { Problem } from "./catalog.ts";
import { problemAt } from "./problems.ts";
import { positionAt, type TextFile } from "./text.ts";

/** The environment values are read from; `process.env` unless a caller injects one. */
export type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One `${…}` that could not be substituted, by its index among the references in the string. */
export interface EnvIssue {
  index: number;
  message: string;
}

export interface Substitution {
  value: string;
  /** Whether the string held any `${…}` or `$${` at all. */
  changed: boolean;
  issues: EnvIssue[];
}

/**
 * Substitutes one string. Shell semantics: `${NAME:-default}` uses the
 * default when NAME is unset or empty; `${NAME}` with NAME set to the empty
 * string is the empty string, and unset is a problem (a missing secret must
 * not silently become "").
 */
export function substituteEnv(input: string, env: Env): Substitution {
  if (!input.includes("${")) return { value: input, changed: false, issues: [] };
  const issues: EnvIssue[] = [];
  let out = "";
  let index = 0;
  let i = 0;
  while (i < input.length) {
    const dollar = input.indexOf("$", i);
    if (dollar === -1) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    if (input.startsWith("$${", dollar)) {
      out += "${";
      i = dollar + 3;
      continue;
    }
    if (!input.startsWith("${", dollar)) {
      out += "$";
      i = dollar + 1;
      continue;
    }
    const close = input.indexOf("}", dollar + 2);
    const reference = index++;
    if (close === -1) {
      issues.push({
        index: reference,
        message: "'${' is not closed by '}': write ${NAME} or ${NAME:-default}, or $${ for a literal '${'",
      });
      out += input.slice(dollar);
      break;
    }
    const inner = input.slice(dollar + 2, close);
    const separator = inner.indexOf(":-");
    const name = separator === -1 ? inner : inner.slice(0, separator);
    if (!NAME.test(name)) {
      issues.push({
        index: reference,
        message: `'\${${inner}}' is not a variable reference: names are letters, digits and '_' (e.g. \${BACKEND_URL} or \${PORT:-8090}); write $\${ for a literal '\${'`,
      });
      out += input.slice(dollar, close + 1);
      i = close + 1;
      continue;
    }
    const value = env[name];
    if (separator !== -1) {
      out += value === undefined || value === "" ? inner.slice(separator + 2) : value;
    } else if (value === undefined) {
      issues.push({
        index: reference,
        message: `environment variable ${name} is not set: set it, or give a default with \${${name}:-default}`,
      });
    } else {
      out += value;
    }
    i = close + 1;
  }
  return { value: out, changed: true, issues };
}

/**
 * After substitution, an unquoted scalar is read the way YAML would have
 * read the resulting text, so `subscriptionsLimit: ${LIMIT:-5}` is the number
 * 5 and `tryIt: ${TRY_IT:-true}` a boolean. Quoted scalars stay strings.
 * These are the YAML 1.2 core schema's plain forms (decimal only, which is
 * what configuration values use).
 */
function resolvePlain(text: string): unknown {
  if (/^(?:null|Null|NULL|~)$/.test(text)) return null;
  if (/^(?:true|True|TRUE)$/.test(text)) return true;
  if (/^(?:false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number.parseInt(text, 10);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  return text;
}

/**
 * Substitutes every string scalar value of a parsed document in place (map
 * keys are names, not values, and are left alone). Returns a problem per
 * reference that could not be substituted, placed on the `${` itself when
 * it can be found in the scalar's source text, else on the scalar; and the
 * offsets of those scalars, whose value is now wrong for a reason already
 * reported (so that "backend must be a URL" does not follow "BACKEND_HOST is
 * not set").
 */
export function substituteEnvInDocument(doc: Document, env: Env, source: TextFile): { problems: Problem[]; tainted: number[] } {
  const problems: Problem[] = [];
  const tainted: number[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string") return;
      const result = substituteEnv(node.value, env);
      if (!result.changed) return;
      node.value = node.type === Scalar.PLAIN ? resolvePlain(result.value) : result.value;
      for (const issue of result.issues) {
        problems.push(problemAt(positionAt(source, referenceOffset(source, node, issue.index)), issue.message));
      }
      if (result.issues.length > 0 && node.range) tainted.push(node.range[0]);
    },
  });
  return { problems, tainted };
}

/** Offset of the `index`-th `${` (not `$${`) in the scalar's source, or the scalar's start. */
function referenceOffset(source: TextFile, node: Scalar, index: number): number {
  const [start, end] = node.range ?? [0, 0];
  const raw = source.text.slice(start, end);
  const references = [...raw.matchAll(/(?<!\$)\$\{/g)];
  const match = references[index];
  return match?.index === undefined ? start : start + match.index;
}
