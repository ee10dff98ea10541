/**
 * Schema rows (schema-view.ts) as HTML: a list of rows, nested levels in
 * `<details>` (the first level open) so that a large body reads as an
 * outline without JavaScript. Built as a string rather than with nested
 * components because a 1,000-operation portal prints hundreds of thousands
 * of rows; the styles are in styles/operation.css.
 */
import type { Translate } from "./i18n.ts";
import { escapeHtml } from "./text.ts";
import type { SchemaRow } from "./schema-view.ts";

export interface SchemaHtmlContext {
  t: Translate;
  /** The page of a component schema, or undefined when it has none. */
  schemaHref: (name: string) => string | undefined;
  /** A description (markdown) as inline HTML. */
  describe: (markdown: string) => Promise<string>;
}

function schemaLink(ctx: SchemaHtmlContext, name: string): string {
  const href = ctx.schemaHref(name);
  return href ? `<a class="sr-ref" href="${escapeHtml(href)}">${escapeHtml(name)}</a>` : `<span class="sr-ref">${escapeHtml(name)}</span>`;
}

/** The type, with the component schema it names as a link. */
function typeHtml(ctx: SchemaHtmlContext, row: SchemaRow): string {
  const named = row.itemsSchemaName ?? row.schemaName;
  let html = `<span class="sr-type">${escapeHtml(row.type)}</span>`;
  if (row.itemsSchemaName && row.type.includes(row.itemsSchemaName)) {
    const [before, ...after] = row.type.split(row.itemsSchemaName);
    html = `<span class="sr-type">${escapeHtml(before!)}${schemaLink(ctx, row.itemsSchemaName)}${escapeHtml(after.join(row.itemsSchemaName))}</span>`;
  } else if (named) {
    html += schemaLink(ctx, named);
  }
  return html;
}

/** Constraints and hints (`enum: …`, `max length: 10`) as tags, or "" without any. */
function factsHtml(row: SchemaRow): string {
  return row.facts.length === 0 ? "" : `<p class="sr-facts">${row.facts.map((f) => `<span>${escapeHtml(f)}</span>`).join("")}</p>`;
}

function label(ctx: SchemaHtmlContext, row: SchemaRow): string {
  if (row.name !== undefined) return `<code class="sr-name">${escapeHtml(row.name)}</code>`;
  if (row.role === "items") return `<span class="sr-role">${escapeHtml(ctx.t("schema.items"))}</span>`;
  if (row.role === "additional") return `<span class="sr-role">${escapeHtml(ctx.t("schema.additional"))}</span>`;
  if (row.role === "variant") return `<span class="sr-role">${escapeHtml(ctx.t("schema.variant"))}</span>`;
  return "";
}

function cutNote(ctx: SchemaHtmlContext, row: SchemaRow): string {
  if (!row.cut) return "";
  const where = row.schemaName ? schemaLink(ctx, row.schemaName) : "";
  const key = row.cut === "cycle" ? "schema.cutCycle" : row.cut === "depth" ? "schema.cutDepth" : "schema.cutBudget";
  const text = escapeHtml(ctx.t(key, { schema: "\u0000" })).replace("\u0000", where || escapeHtml(ctx.t("schema.thisSchema")));
  return `<p class="sr-cut">${text}</p>`;
}

async function rowHtml(ctx: SchemaHtmlContext, row: SchemaRow, level: number): Promise<string> {
  let head = label(ctx, row) + typeHtml(ctx, row);
  if (row.required) head += `<span class="sr-req">${escapeHtml(ctx.t("schema.required"))}</span>`;
  if (row.deprecated) head += `<span class="sr-dep">${escapeHtml(ctx.t("api.deprecated"))}</span>`;
  let body = "";
  if (row.description.trim() !== "") body += `<div class="sr-desc">${await ctx.describe(row.description)}</div>`;
  body += factsHtml(row);
  if (row.children.length > 0) {
    const count = ctx.t("schema.children", { count: row.children.length });
    body += `<details${level === 0 ? " open" : ""}><summary>${escapeHtml(count)}</summary>${await rowsHtml(ctx, row.children, level + 1)}</details>`;
  }
  body += cutNote(ctx, row);
  return `<li><div class="sr-head">${head}</div>${body}</li>`;
}

export async function rowsHtml(ctx: SchemaHtmlContext, rows: SchemaRow[], level = 0): Promise<string> {
  const items: string[] = [];
  for (const row of rows) items.push(await rowHtml(ctx, row, level));
  return `<ul class="schema-rows">${items.join("")}</ul>`;
}

/** One root schema (a body, a response) shown as its children directly, with its own type line. */
export async function schemaHtml(ctx: SchemaHtmlContext, root: SchemaRow): Promise<string> {
  let html = `<div class="schema"><p class="schema-type">${typeHtml(ctx, root)}</p>`;
  html += factsHtml(root);
  if (root.children.length > 0) html += await rowsHtml(ctx, root.children, 1);
  html += cutNote(ctx, root);
  return html + "</div>";
}
