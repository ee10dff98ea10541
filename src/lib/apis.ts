/**
 * Facts about an API that several pages print: its versions, the gateway URL
 * a consumer calls, the portal URLs of its pages and downloads, and its
 * operations grouped by tag.
 */
import type { Api, ApiVersion, HttpMethod, Operation } from "../../gateway/src/model/catalog.ts";

/** Where the gateway listens when portal.yaml names no `gatewayUrl` (DESIGN §8). */
export const DEFAULT_GATEWAY_URL = "http://localhost:8080";

export function gatewayOrigin(gatewayUrl: string | undefined): string {
  return (gatewayUrl && gatewayUrl !== "" ? gatewayUrl : DEFAULT_GATEWAY_URL).replace(/\/+$/, "");
}

export function isVersioned(api: Api): boolean {
  return api.versioning !== null && api.versions.some((v) => v.id !== "");
}

/**
 * The version shown at `/apis/<id>`: the one api.yaml names as default, else
 * the newest that is not deprecated (the last in the list), else the last.
 */
export function defaultVersion(api: Api): ApiVersion {
  const named = api.versioning?.default;
  const byName = named === undefined ? undefined : api.versions.find((v) => v.id === named);
  if (byName) return byName;
  const current = api.versions.filter((v) => !v.deprecated);
  const pick = current.at(-1) ?? api.versions.at(-1);
  if (!pick) throw new Error(`API ${api.id} has no versions`);
  return pick;
}

/** The URL a consumer calls for this version: gateway + API path (+ `/v2` for path versioning). */
export function gatewayBaseUrl(api: Api, version: ApiVersion, gatewayUrl: string | undefined): string {
  const base = gatewayOrigin(gatewayUrl) + api.path;
  return api.versioning?.scheme === "path" && version.id !== "" ? `${base}/${version.id}` : base;
}

/** How a call names the version when it is not in the path: `{in: 'header', name: 'Api-Version', value: 'v2'}`. */
export function versionSelector(api: Api, version: ApiVersion): { in: "header" | "query"; name: string; value: string } | null {
  if (!api.versioning || api.versioning.scheme === "path" || version.id === "") return null;
  return { in: api.versioning.scheme, name: api.versioning.name, value: version.id };
}

// Portal URLs --------------------------------------------------------------

/** `/apis/<id>` for the default version, `/apis/<id>/<version>` for an explicit one. */
export function apiHref(api: Api, version?: ApiVersion): string {
  return version === undefined || version.id === "" ? `/apis/${api.id}` : `/apis/${api.id}/${version.id}`;
}

export function referenceHref(api: Api, version?: ApiVersion): string {
  return `${apiHref(api, version)}/reference`;
}

export function definitionHref(api: Api, version: ApiVersion | undefined, format: "json" | "yaml"): string {
  return `${apiHref(api, version)}/openapi.${format}`;
}

export function apiMarkdownHref(api: Api): string {
  return `/apis/${api.id}.md`;
}

// Operations ---------------------------------------------------------------

export const METHOD_ORDER: readonly HttpMethod[] = ["get", "post", "put", "patch", "delete", "head", "options", "trace"];

export interface TagGroup {
  /** The tag's name, or null for operations without a tag. */
  tag: string | null;
  description: string;
  operations: Operation[];
}

/**
 * Operations grouped by their first tag, tags in the order the definition
 * declares them (then first use), untagged operations last.
 */
export function operationsByTag(version: ApiVersion): TagGroup[] {
  const declared = Array.isArray(version.document.tags) ? (version.document.tags as Array<{ name?: unknown; description?: unknown }>) : [];
  const groups = new Map<string | null, TagGroup>();
  for (const t of declared) {
    if (typeof t?.name === "string") {
      groups.set(t.name, { tag: t.name, description: typeof t.description === "string" ? t.description : "", operations: [] });
    }
  }
  for (const op of version.operations) {
    const tag = op.tags[0] ?? null;
    let group = groups.get(tag);
    if (!group) {
      group = { tag, description: "", operations: [] };
      groups.set(tag, group);
    }
    group.operations.push(op);
  }
  const result = [...groups.values()].filter((g) => g.operations.length > 0);
  const untagged = result.findIndex((g) => g.tag === null);
  if (untagged !== -1) result.push(...result.splice(untagged, 1));
  return result;
}

/** Every tag used by the API's versions, for the catalog filter. */
export function apiTags(api: Api): string[] {
  return [...new Set(api.tags)].sort((a, b) => a.localeCompare(b));
}

export function operationCount(api: Api): number {
  return defaultVersion(api).operations.length;
}
