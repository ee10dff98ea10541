/**
 * Content files as text with positions: YAML parsed into a tree that keeps
 * every node's offset, markdown frontmatter, and the mapping from a path
 * inside the parsed value (as zod reports it) back to `line:column`.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import type { Problem, SourcePosition } from "./catalog.ts";
import { substituteEnvInDocument, type Env } from "./env.ts";
import { problemAt } from "./problems.ts";
import { positionAt, type TextFile } from "./text.ts";

export { positionAt, textFile, type TextFile } from "./text.ts";

/** A parsed YAML document (or frontmatter) within its file. */
export interface YamlSource extends TextFile {
  doc: Document;
  /** Offset where the YAML starts: 0 for a YAML file, the first `---` for frontmatter. */
  start: number;
  /**
   * `line:column` of values whose environment substitution failed: their
   * problem is reported already, so schema problems there are left out.
   */
  tainted: Set<string>;
}

export type PathSegment = string | number;

export interface ParsedYaml {
  source: YamlSource;
  /** The plain value; undefined when the YAML has syntax errors. */
  value: unknown;
  problems: Problem[];
}

/**
 * Parses YAML text (all of `file.text`, or its first `end` characters for
 * frontmatter), substitutes the environment when `env` is given, and returns
 * the plain value with syntax errors as problems at their line:column.
 */
export function parseYaml(file: TextFile, options: { env?: Env; end?: number; language?: "YAML" | "JSON" } = {}): ParsedYaml {
  const text = options.end === undefined ? file.text : file.text.slice(0, options.end);
  const doc = parseDocument(text, { prettyErrors: false, keepSourceTokens: false });
  const source: YamlSource = { ...file, doc, start: 0, tainted: new Set() };
  const problems: Problem[] = [];
  const language = options.language ?? "YAML";
  for (const error of doc.errors) {
    problems.push(problemAt(positionAt(file, error.pos[0]), `${language} syntax error: ${yamlMessage(error.message)}`));
  }
  for (const warning of doc.warnings) {
    problems.push(problemAt(positionAt(file, warning.pos[0]), `${language}: ${yamlMessage(warning.message)}`, { severity: "warning" }));
  }
  if (doc.errors.length > 0) return { source, value: undefined, problems };
  if (options.env !== undefined) {
    const substituted = substituteEnvInDocument(doc, options.env, file);
    problems.push(...substituted.problems);
    for (const offset of substituted.tainted) {
      const position = positionAt(file, offset);
      source.tainted.add(`${position.line}:${position.column}`);
    }
  }
  return { source, value: doc.toJS({ maxAliasCount: 100 }), problems };
}

/**
 * The YAML library's messages end with its own position and a code excerpt;
 * ours carry the position in front, so keep the sentence only.
 */
function yamlMessage(message: string): string {
  const sentence = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  return `${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`;
}

export interface Frontmatter {
  /** Offset just before the closing `---` line: the YAML is `text.slice(0, yamlEnd)`. */
  yamlEnd: number;
  /** Offset where the markdown body starts. */
  bodyStart: number;
}

/**
 * Finds `---` fenced YAML at the very top of a markdown file. Returns null
 * when the file does not start with a fence, and a problem when the fence is
 * never closed (the whole page would otherwise be read as YAML).
 */
export function findFrontmatter(file: TextFile): Frontmatter | null | Problem {
  const text = file.text;
  const open = /^\uFEFF?---[ \t]*\r?\n/.exec(text);
  if (open === null) return null;
  const close = /^---[ \t]*(?:\r?\n|$)/m;
  const rest = text.slice(open[0].length);
  const match = close.exec(rest);
  if (match === null) {
    return problemAt(
      positionAt(file, 0),
      "frontmatter is not closed: add a line with only '---' after the last key, before the page's markdown",
    );
  }
  const yamlEnd = open[0].length + match.index;
  return { yamlEnd, bodyStart: yamlEnd + match[0].length };
}

/** How to place a problem about `path`. */
export type LocateMode =
  /** the value at the path (wrong type, bad value) */
  | "value"
  /** the key naming the last segment (unknown key, duplicate name) */
  | "key"
  /** the map or list at the path itself (a required key missing from it) */
  | "container";

/**
 * The position of the node at `path` in a parsed document. When the path
 * leads where the document has no node (a missing key, a value hidden behind
 * an alias), the deepest node that exists is used, which is where the fix
 * goes. An empty document points at its start.
 */
export function locate(source: YamlSource, path: readonly PathSegment[], mode: LocateMode = "value"): SourcePosition {
  const found = walk(source, path);
  let node: Node | null | undefined = found.node;
  if (found.complete && mode === "key" && found.keyNode) node = found.keyNode;
  const offset = node?.range?.[0] ?? firstContentOffset(source);
  return positionAt(source, offset);
}

interface WalkResult {
  node: Node | null | undefined;
  /** The key of the pair holding `node`, when it is a map value. */
  keyNode?: Node;
  complete: boolean;
}

function walk(source: YamlSource, path: readonly PathSegment[]): WalkResult {
  let node = resolveAlias(source.doc, source.doc.contents as Node | null);
  let keyNode: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
      if (pair === undefined) return { node, keyNode, complete: false };
      keyNode = pair.key as Node;
      // `key:` with nothing after it has an empty value node (or none): the
      // key is the place to point at.
      const value = pair.value as Node | null;
      const empty = value === null || (isScalar(value) && value.range != null && value.range[0] === value.range[1]);
      node = empty ? keyNode : resolveAlias(source.doc, value);
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      keyNode = undefined;
      node = resolveAlias(source.doc, node.items[segment] as Node | null);
    } else {
      return { node, keyNode, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

function resolveAlias(doc: Document, node: Node | null): Node | null {
  if (isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? node;
  return node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (key === null || typeof key !== "object") return String(key);
  return undefined;
}

/** First non-blank character after the `---` of frontmatter or at the start of a file. */
function firstContentOffset(source: YamlSource): number {
  const contents = source.doc.contents as Node | null;
  if (contents?.range) return contents.range[0];
  return source.start;
}

/** `versions.list[0].id` — the dotted form printed in messages and Problem.path. */
export function dottedPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
