/**
 * One page per operation and one per component schema, under each API
 * version's pages: `/apis/<id>[/<version>]/operations/<slug>` and
 * `…/schemas/<slug>`, and the operation list all of a version's operation
 * pages share (`…/operations.json`), so that no page repeats the navigation.
 */
import type { Api, ApiVersion, Operation } from "../../gateway/src/model/catalog.ts";
import { apiHref, defaultVersion, operationsByTag } from "./apis.ts";
import { apiPaths, type ApiPageProps } from "./routes.ts";
import { componentSchemas } from "./schema-view.ts";
import { plainText } from "./text.ts";

const UNSAFE = /[^A-Za-z0-9._-]+/g;

/** A URL segment for an id: unsafe characters as one hyphen, never empty, never `.` or `..`. */
function segment(id: string, fallback: string): string {
  const s = id.replace(UNSAFE, "-").replace(/^[-.]+|-+$/g, "");
  return s === "" ? fallback : s;
}

/** Unique segments for a list of ids: a repeated segment gets `-2`, `-3`… in order. */
function uniqueSegments<T>(items: T[], id: (item: T) => string, fallback: string): Map<T, string> {
  const out = new Map<T, string>();
  const used = new Set<string>();
  for (const item of items) {
    const base = segment(id(item), fallback);
    let s = base;
    for (let n = 2; used.has(s.toLowerCase()); n++) s = `${base}-${n}`;
    used.add(s.toLowerCase());
    out.set(item, s);
  }
  return out;
}

const operationSlugs = new WeakMap<ApiVersion, Map<Operation, string>>();
const schemaSlugs = new WeakMap<ApiVersion, Map<string, string>>();

export function operationSlug(version: ApiVersion, op: Operation): string {
  let slugs = operationSlugs.get(version);
  if (!slugs) {
    slugs = uniqueSegments(version.operations, (o) => o.id, "operation");
    operationSlugs.set(version, slugs);
  }
  const slug = slugs.get(op);
  if (slug === undefined) throw new Error(`operation ${op.id} is not in this version`);
  return slug;
}

/** The names of the version's component schemas, in the definition's order. */
export function schemaNames(version: ApiVersion): string[] {
  return Object.keys(componentSchemas(version.document));
}

/** The slug of a component schema's page, or undefined when the definition has no such schema. */
export function schemaSlug(version: ApiVersion, name: string): string | undefined {
  let slugs = schemaSlugs.get(version);
  if (!slugs) {
    const names = schemaNames(version);
    const bySegment = uniqueSegments(names, (n) => n, "schema");
    slugs = new Map(names.map((n) => [n, bySegment.get(n)!]));
    schemaSlugs.set(version, slugs);
  }
  return slugs.get(name);
}

/** `version` is the one the URL names, or undefined for the default version's URLs. */
export function operationHref(api: Api, urlVersion: ApiVersion | undefined, version: ApiVersion, op: Operation): string {
  return `${apiHref(api, urlVersion)}/operations/${operationSlug(version, op)}`;
}

export function schemaHref(api: Api, urlVersion: ApiVersion | undefined, version: ApiVersion, name: string): string | undefined {
  const slug = schemaSlug(version, name);
  return slug === undefined ? undefined : `${apiHref(api, urlVersion)}/schemas/${slug}`;
}

export function operationsNavHref(api: Api, urlVersion: ApiVersion | undefined): string {
  return `${apiHref(api, urlVersion)}/operations.json`;
}

export interface OperationPageProps extends ApiPageProps {
  operation: Operation;
  previous: Operation | undefined;
  next: Operation | undefined;
}

/** Operations in the order the API page lists them (by tag), which is also the order of previous/next. */
export function orderedOperations(version: ApiVersion): Operation[] {
  return operationsByTag(version).flatMap((g) => g.operations);
}

export async function operationPaths(): Promise<Array<{ params: { api: string; version: string | undefined; operation: string }; props: OperationPageProps }>> {
  const out: Array<{ params: { api: string; version: string | undefined; operation: string }; props: OperationPageProps }> = [];
  for (const { params, props } of await apiPaths()) {
    const ops = orderedOperations(props.version);
    ops.forEach((operation, i) => {
      out.push({
        params: { ...params, operation: operationSlug(props.version, operation) },
        props: { ...props, operation, previous: ops[i - 1], next: ops[i + 1] },
      });
    });
  }
  return out;
}

export interface SchemaPageProps extends ApiPageProps {
  name: string;
}

export async function schemaPaths(): Promise<Array<{ params: { api: string; version: string | undefined; schema: string }; props: SchemaPageProps }>> {
  const out: Array<{ params: { api: string; version: string | undefined; schema: string }; props: SchemaPageProps }> = [];
  for (const { params, props } of await apiPaths()) {
    for (const name of schemaNames(props.version)) {
      out.push({ params: { ...params, schema: schemaSlug(props.version, name)! }, props: { ...props, name } });
    }
  }
  return out;
}

/**
 * The shared navigation of a version's operation pages, as compact JSON:
 * tags in the API page's order, each with `[method, path, summary, slug,
 * deprecated]` per operation. Fetched once per version and cached by the
 * browser, instead of a sidebar repeated in every page.
 */
export function operationsNav(version: ApiVersion): OperationsNav {
  let nav = navs.get(version);
  if (!nav) {
    nav = {
      tags: operationsByTag(version).map((g) => ({
        tag: g.tag,
        operations: g.operations.map((op) => [op.method, op.path, op.summary || op.id, operationSlug(version, op), op.deprecated ? 1 : 0]),
      })),
    };
    navs.set(version, nav);
  }
  return nav;
}

interface OperationsNav {
  tags: Array<{ tag: string | null; operations: Array<[string, string, string, string, 0 | 1]> }>;
}

const navs = new WeakMap<ApiVersion, OperationsNav>();

export interface OperationSearchRecord {
  url: string;
  content: string;
  language: string;
  meta: { title: string };
}

/**
 * Search entries for the operation pages of `apis` (their default
 * version's pages, as for API pages), made from the catalog rather than
 * read back from thousands of built pages: the summary, the method and
 * path, the tag and the description as plain text.
 */
export function operationSearchRecords(apis: Api[], language: string): OperationSearchRecord[] {
  const out: OperationSearchRecord[] = [];
  for (const api of apis) {
    const version = defaultVersion(api);
    for (const op of version.operations) {
      const title = op.summary || op.id;
      out.push({
        url: `${operationHref(api, undefined, version, op)}/`,
        content: [title, `${op.method.toUpperCase()} ${op.path}`, op.tags[0] ?? "", plainText(op.description)].filter((s) => s !== "").join("\n"),
        language,
        meta: { title: `${title} (${api.title})` },
      });
    }
  }
  return out;
}
