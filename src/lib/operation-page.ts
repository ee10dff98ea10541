/**
 * Printing an operation or schema page: schemas within the page's row
 * budget, examples, and the API page's list of operations.
 */
import type { Api, ApiVersion, Operation, OperationParameter } from "../../gateway/src/model/catalog.ts";
import { contentPath } from "./links.ts";
import { renderInline } from "./markdown.ts";
import { methodBadgeHtml } from "./method-badge.ts";
import { schemaHref } from "./operations.ts";
import { rowsHtml, schemaHtml, type SchemaHtmlContext } from "./schema-html.ts";
import { RowBudget, SchemaExpander, type SchemaRow } from "./schema-view.ts";
import type { Site } from "./site.ts";
import { escapeHtml } from "./text.ts";

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

/**
 * An API page's list of operations, as one string: the list of a large API
 * has thousands of entries, and the markup of a component per entry (scoped
 * style attributes on every element) would double the page.
 */
export function operationListHtml(operations: Operation[], href: (op: Operation) => string, deprecatedLabel: string): string {
  const items = operations.map((op) => {
    const deprecated = op.deprecated ? `<span class="badge badge-warning">${escapeHtml(deprecatedLabel)}</span>` : "";
    return `<li><a class="op-item" href="${escapeHtml(href(op))}">${methodBadgeHtml(op.method)}<code>${escapeHtml(op.path)}</code><span class="op-item-summary">${escapeHtml(op.summary || op.id)}</span>${deprecated}</a></li>`;
  });
  return `<ul class="op-list">${items.join("")}</ul>`;
}
