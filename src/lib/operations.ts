/**
 * One page per operation and one per component schema, under each API
 * version's pages: `/apis/<id>[/<version>]/operations/<slug>` and
 * `…/schemas/<slug>`, and the operation list all of a version's operation
 * pages share (`…/operations.json`), so that no page repeats the navigation.
 */
import type { Api, ApiVersion, Operation, OperationParameter } from "../../gateway/src/model/catalog.ts";
import { apiHref, operationsByTag } from "./apis.ts";
import { contentPath } from "./links.ts";
import { renderInline } from "./markdown.ts";
import { apiPaths, type ApiPageProps } from "./routes.ts";
import { rowsHtml, schemaHtml, type SchemaHtmlContext } from "./schema-html.ts";
import { componentSchemas, RowBudget, SchemaExpander, type SchemaRow } from "./schema-view.ts";
import type { Site } from "./site.ts";
import { escapeHtml } from "./text.ts";

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

/** What operation and schema pages need to print schemas: links to schema pages, descriptions as inline HTML. */
function schemaContext(site: Site, api: Api, urlVersion: ApiVersion | undefined, version: ApiVersion): SchemaHtmlContext {
  const from = contentPath(api.file);
  return {
    t: site.t,
    schemaHref: (name) => schemaHref(api, urlVersion, version, name),
    describe: async (markdown) => (MARKDOWN_SYNTAX.test(markdown) ? await renderInline(site.view, markdown, from) : escapeHtml(markdown)),
  };
}

/** Characters that make a description worth the markdown renderer; most are plain sentences. */
const MARKDOWN_SYNTAX = /[`*_[<\n]/;

/**
 * The schemas of one page, printed within the page's row budget. The HTML
 * of a schema is kept for the rest of the build: the same response or
 * resource schema appears on many operation pages, and is printed again
 * only when the page has less budget left than it took.
 */
export class PageSchemas {
  private readonly ctx: SchemaHtmlContext;
  private readonly budget = new RowBudget(PAGE_ROWS);
  private readonly expander: SchemaExpander;
  private readonly printed: Map<unknown, { html: string; rows: number }>;

  constructor(site: Site, api: Api, urlVersion: ApiVersion | undefined, version: ApiVersion, depth: number) {
    this.ctx = schemaContext(site, api, urlVersion, version);
    this.expander = new SchemaExpander(version.document, { maxDepth: depth }, this.budget);
    const scope = `${api.id}\0${version.id}\0${urlVersion?.id ?? ""}\0${depth}`;
    let printed = PRINTED.get(scope);
    if (!printed) PRINTED.set(scope, (printed = new Map()));
    this.printed = printed;
  }

  /** A body, response or component schema. */
  async schema(schema: unknown, description?: string): Promise<string> {
    const key = printKey(schema);
    const hit = key === undefined || description !== undefined ? undefined : this.printed.get(key);
    if (hit && this.budget.limit - this.budget.used >= hit.rows) {
      this.budget.used += hit.rows;
      return hit.html;
    }
    const before = this.budget.used;
    const root = this.expander.root(schema);
    if (description !== undefined) root.description = description;
    const html = await schemaHtml(this.ctx, root);
    // Only a complete print is kept: one cut short by this page's budget would be wrong on another.
    if (key !== undefined && description === undefined && !hasBudgetCut(root)) this.printed.set(key, { html, rows: this.budget.used - before });
    return html;
  }

  /** Parameters, one row each. */
  async parameters(params: OperationParameter[]): Promise<string> {
    return rowsHtml(
      this.ctx,
      params.map((p) => this.expander.root(p.schema, { name: p.name, required: p.required, description: p.description })),
    );
  }
}

const PRINTED = new Map<string, Map<unknown, { html: string; rows: number }>>();

/** A schema's identity for the print cache: the `$ref` it is, or the object itself. */
function printKey(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null) return undefined;
  const ref = (schema as { $ref?: unknown }).$ref;
  return typeof ref === "string" && Object.keys(schema).length === 1 ? `ref:${ref}` : schema;
}

function hasBudgetCut(row: SchemaRow): boolean {
  return row.cut === "budget" || row.children.some(hasBudgetCut);
}

/** Rows an operation or schema page prints in all, and how deep: what keeps every page small whatever the definition. */
export const PAGE_ROWS = 400;
export const OPERATION_DEPTH = 3;
export const SCHEMA_DEPTH = 4;

/** An example as printed (pretty JSON or the string itself), cut at `max` characters. */
export function exampleText(example: unknown, max = 6000): { text: string; cut: boolean } {
  const text = typeof example === "string" ? example : JSON.stringify(example, null, 2) ?? String(example);
  return text.length <= max ? { text, cut: false } : { text: text.slice(0, text.lastIndexOf("\n", max) > 0 ? text.lastIndexOf("\n", max) : max) + "\n…", cut: true };
}

const BADGE_METHODS = new Set(["get", "post", "put", "patch", "delete"]);

/**
 * An API page's list of operations, as one string: the list of a large API
 * has thousands of entries, and the markup of a component per entry (scoped
 * style attributes on every element) would double the page.
 */
export function operationListHtml(operations: Operation[], href: (op: Operation) => string, deprecatedLabel: string): string {
  const items = operations.map((op) => {
    const m = op.method.toLowerCase();
    const short = m === "delete" ? "DEL" : m === "options" ? "OPT" : m.toUpperCase();
    const method =
      short === m.toUpperCase()
        ? `<span class="op-method op-method-${BADGE_METHODS.has(m) ? m : "other"}">${short}</span>`
        : `<span class="op-method op-method-${BADGE_METHODS.has(m) ? m : "other"}"><span aria-hidden="true">${short}</span><span class="sr-only">${m.toUpperCase()}</span></span>`;
    const deprecated = op.deprecated ? `<span class="badge badge-warning">${escapeHtml(deprecatedLabel)}</span>` : "";
    return `<li><a class="op-item" href="${escapeHtml(href(op))}">${method}<code>${escapeHtml(op.path)}</code><span class="op-item-summary">${escapeHtml(op.summary || op.id)}</span>${deprecated}</a></li>`;
  });
  return `<ul class="op-list">${items.join("")}</ul>`;
}
