/**
 * Compiles the catalog into one lookup structure (once per configuration
 * change) and matches a request to its API, version and operation.
 *
 * Matching works on decoded path segments; forwarding uses the raw ones, so
 * the backend receives the caller's encoding byte for byte. Segments that
 * decode to `.` or `..`, or that hide a `/`, `\` or NUL behind percent
 * encoding, are refused: they are how a caller would climb out of the API's
 * backend path.
 */
import type { Api, ApiVersion, Catalog, Operation } from "../model/catalog.ts";

interface Node {
  literal: Map<string, Node>;
  /** Segments mixing literals and parameters, e.g. `{name}.{ext}`. */
  patterns: Array<{ regex: RegExp; names: string[]; node: Node }>;
  param?: { name: string; node: Node };
  operations: Map<string, Operation>;
}

export interface CompiledVersion {
  version: ApiVersion;
  /** Backend origin, e.g. `http://localhost:8090`. */
  origin: string;
  /** Backend base path without trailing slash, e.g. `/weather/v1` (or ''). */
  basePath: string;
  root: Node;
}

export interface CompiledApi {
  api: Api;
  /** By version id; an unversioned API has the single key ''. */
  versions: Map<string, CompiledVersion>;
  defaultVersion?: CompiledVersion;
  /** Whether a call without a key may pass (not required, or an open product). */
  keylessProduct: string | null;
  keyless: boolean;
  /** Lower-cased header name and the query parameter name for keys. */
  keyHeader: string;
  keyQuery: string;
  /** Products whose keys reach this API. */
  products: Set<string>;
}

export type RouteResult =
  | {
      kind: "matched";
      api: CompiledApi;
      version: CompiledVersion;
      operation: Operation;
      params: Record<string, string>;
      /** Raw path after the API prefix and version segment ('' or starting with '/'). */
      backendPath: string;
    }
  | { kind: "malformed"; message: string }
  | { kind: "no-api" }
  | { kind: "no-version"; api: CompiledApi }
  | {
      kind: "no-operation";
      api: CompiledApi;
      version: CompiledVersion;
      /** Methods allowed on this path, when the path exists with other methods. */
      allowed: string[];
    };

export interface Router {
  match(method: string, rawPath: string, header: (name: string) => string | undefined, rawQuery: string): RouteResult;
  apis: Map<string, CompiledApi>;
}

function newNode(): Node {
  return { literal: new Map(), patterns: [], operations: new Map() };
}

const PARAM = /\{([^}]+)\}/g;

function insert(root: Node, op: Operation): void {
  let node = root;
  for (const seg of splitTemplate(op.path)) {
    const whole = /^\{([^}]+)\}$/.exec(seg);
    if (whole) {
      node.param ??= { name: whole[1]!, node: newNode() };
      node = node.param.node;
    } else if (seg.includes("{")) {
      const names: string[] = [];
      const source = seg
        .split(PARAM)
        .map((part, i) => {
          if (i % 2 === 1) {
            names.push(part);
            return "([^/]+?)";
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        })
        .join("");
      const key = source;
      let entry = node.patterns.find((p) => p.regex.source === `^${key}$`);
      if (!entry) {
        entry = { regex: new RegExp(`^${key}$`), names, node: newNode() };
        node.patterns.push(entry);
      }
      node = entry.node;
    } else {
      let next = node.literal.get(seg);
      if (!next) {
        next = newNode();
        node.literal.set(seg, next);
      }
      node = next;
    }
  }
  node.operations.set(op.method.toUpperCase(), op);
}

function splitTemplate(template: string): string[] {
  return template.split("/").filter((s) => s !== "");
}

/** Finds the node for `segs`; literal segments win over patterns, patterns over parameters. */
function find(node: Node, segs: string[], i: number, params: Record<string, string>): Node | undefined {
  if (i === segs.length) return node.operations.size > 0 ? node : undefined;
  const seg = segs[i]!;
  const lit = node.literal.get(seg);
  if (lit) {
    const found = find(lit, segs, i + 1, params);
    if (found) return found;
  }
  for (const p of node.patterns) {
    const m = p.regex.exec(seg);
    if (!m) continue;
    const found = find(p.node, segs, i + 1, params);
    if (found) {
      p.names.forEach((name, k) => (params[name] = m[k + 1]!));
      return found;
    }
  }
  if (node.param && seg !== "") {
    const found = find(node.param.node, segs, i + 1, params);
    if (found) {
      params[node.param.name] = seg;
      return found;
    }
  }
  return undefined;
}

function compileVersion(version: ApiVersion): CompiledVersion {
  const url = new URL(version.backend);
  const root = newNode();
  for (const op of version.operations) insert(root, op);
  return { version, origin: url.origin, basePath: url.pathname.replace(/\/+$/, ""), root };
}

export function compileRouter(catalog: Catalog): Router {
  const apis = new Map<string, CompiledApi>();
  let maxDepth = 1;
  for (const api of Object.values(catalog.apis)) {
    const versions = new Map<string, CompiledVersion>();
    for (const v of api.versions) versions.set(v.id, compileVersion(v));
    const openProducts = api.products.filter((id) => {
      const p = catalog.products[id];
      return p !== undefined && p.state === "published" && !p.subscriptionRequired;
    });
    const compiled: CompiledApi = {
      api,
      versions,
      defaultVersion: api.versioning ? (api.versioning.default ? versions.get(api.versioning.default) : undefined) : versions.get(""),
      keylessProduct: openProducts[0] ?? null,
      keyless: !api.subscription.required || openProducts.length > 0,
      keyHeader: api.subscription.header.toLowerCase(),
      keyQuery: api.subscription.query,
      products: new Set(
        api.products.filter((id) => {
          const p = catalog.products[id];
          return p !== undefined && p.state === "published";
        }),
      ),
    };
    apis.set(api.path, compiled);
    maxDepth = Math.max(maxDepth, splitTemplate(api.path).length);
  }

  // The current path's decoded segments and where each starts and ends in
  // the raw path. Reused by every call: match is synchronous and nothing it
  // returns keeps them.
  const segs: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];

  /** Splits `rawPath` into `segs`/`starts`/`ends` (a trailing slash ends no segment); a message when it is refused. */
  function split(rawPath: string, encoded: boolean): string | undefined {
    segs.length = 0;
    starts.length = 0;
    ends.length = 0;
    const len = rawPath.length;
    let start = 1;
    for (;;) {
      let end = rawPath.indexOf("/", start);
      const last = end === -1;
      if (last) end = len;
      if (last && start === end) return undefined; // trailing slash
      const r = rawPath.slice(start, end);
      let d = r;
      if (encoded && r.includes("%")) {
        try {
          d = decodeURIComponent(r);
        } catch {
          return "The request path has invalid percent-encoding.";
        }
        if (d.includes("/") || d.includes("\\") || d.includes("\0")) return "The request path encodes a path separator or NUL inside a segment.";
      }
      if (d === "." || d === "..") return "The request path may not contain '.' or '..' segments.";
      segs.push(d);
      starts.push(start);
      ends.push(end);
      if (last) return undefined;
      start = end + 1;
    }
  }

  // Calls repeat a few paths: the match of a path whose operation has no
  // parameters, in an API not versioned by header or query (so the path
  // alone decides), is kept by method and raw path and shared by later
  // calls (nothing changes a result). Bounded: a full map starts over.
  const cache = new Map<string, Map<string, RouteResult>>();

  function match(method: string, rawPath: string, header: (name: string) => string | undefined, rawQuery: string): RouteResult {
    let byPath = cache.get(method);
    const hit = byPath?.get(rawPath);
    if (hit !== undefined) return hit;
    const result = matchPath(method, rawPath, header, rawQuery);
    if (result.kind === "matched" && result.params === NO_PARAMS && (result.api.api.versioning === null || result.api.api.versioning.scheme === "path")) {
      if (byPath === undefined) cache.set(method, (byPath = new Map()));
      else if (byPath.size >= MATCH_CACHE_SIZE) byPath.clear();
      byPath.set(rawPath, result);
    }
    return result;
  }

  function matchPath(method: string, rawPath: string, header: (name: string) => string | undefined, rawQuery: string): RouteResult {
    if (rawPath.charCodeAt(0) !== 47 /* / */) return { kind: "malformed", message: "The request target must be an absolute path." };
    const encoded = rawPath.includes("%");
    const refused = split(rawPath, encoded);
    if (refused !== undefined) return { kind: "malformed", message: refused };
    const n = segs.length;

    let compiled: CompiledApi | undefined;
    let used = 0;
    for (let depth = Math.min(maxDepth, n); depth >= 1; depth--) {
      // Without percent-encoding the decoded prefix is the raw one.
      compiled = apis.get(encoded ? "/" + segs.slice(0, depth).join("/") : rawPath.slice(0, ends[depth - 1]));
      if (compiled) {
        used = depth;
        break;
      }
    }
    if (!compiled) return { kind: "no-api" };

    let version: CompiledVersion | undefined;
    const versioning = compiled.api.versioning;
    if (versioning === null) {
      version = compiled.defaultVersion;
    } else if (versioning.scheme === "path") {
      const id = segs[used];
      version = id === undefined ? undefined : compiled.versions.get(id);
      if (version) used++;
    } else {
      const id = versioning.scheme === "header" ? header(versioning.name.toLowerCase()) : queryValue(rawQuery, versioning.name);
      version = id === undefined || id === "" ? compiled.defaultVersion : compiled.versions.get(id);
    }
    if (!version) return { kind: "no-version", api: compiled };

    let params: Record<string, string> = {};
    const node = find(version.root, segs, used, params);
    const upper = method.toUpperCase();
    const operation = node ? (node.operations.get(upper) ?? (upper === "HEAD" ? node.operations.get("GET") : undefined)) : undefined;
    if (!node || !operation) {
      return { kind: "no-operation", api: compiled, version, allowed: node ? [...node.operations.keys()] : [] };
    }
    if (isEmpty(params)) params = NO_PARAMS;
    // The raw rest from the slash before segment `used`, a trailing slash included; '' when the rest is empty.
    const backendPath = used === n || starts[used] === ends[n - 1] ? "" : rawPath.slice(starts[used]! - 1);
    return { kind: "matched", api: compiled, version, operation, params, backendPath };
  }

  return { match, apis };
}

/** Matches kept per method, at most. */
const MATCH_CACHE_SIZE = 4096;

/** The parameters of every operation without any (shared, so frozen). */
const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function isEmpty(o: Record<string, string>): boolean {
  for (const _ in o) return false;
  return true;
}

/** The first value of query parameter `name` in a raw query string (decoded). */
export function queryValue(rawQuery: string, name: string): string | undefined {
  if (rawQuery === "") return undefined;
  for (const pair of rawQuery.split("&")) {
    const eq = pair.indexOf("=");
    const k = eq === -1 ? pair : pair.slice(0, eq);
    if (decodeQueryPart(k) === name) return eq === -1 ? "" : decodeQueryPart(pair.slice(eq + 1));
  }
  return undefined;
}

/**
 * Removes every occurrence of parameter `name` from a raw query string and
 * keeps the rest byte for byte. Returns the value of the first occurrence.
 */
export function takeQueryParam(rawQuery: string, name: string): { value: string | undefined; rest: string } {
  if (rawQuery === "") return { value: undefined, rest: "" };
  let value: string | undefined;
  const kept: string[] = [];
  for (const pair of rawQuery.split("&")) {
    const eq = pair.indexOf("=");
    const k = eq === -1 ? pair : pair.slice(0, eq);
    if (decodeQueryPart(k) === name) {
      if (value === undefined) value = eq === -1 ? "" : decodeQueryPart(pair.slice(eq + 1));
    } else {
      kept.push(pair);
    }
  }
  return { value, rest: kept.join("&") };
}

function decodeQueryPart(s: string): string {
  if (!s.includes("%") && !s.includes("+")) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

