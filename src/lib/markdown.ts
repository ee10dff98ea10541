/**
 * Markdown from the catalog (docs pages, product pages, terms, descriptions)
 * rendered with Astro's own processor (Sätteri), code highlighted by Shiki in
 * both colour schemes, links resolved for guests (see links.ts).
 */
import { createSatteriMarkdownProcessor } from "@astrojs/markdown-satteri";
import type { GuestView } from "./visibility.ts";
import { resolveLink, type LinkTarget } from "./links.ts";

export interface Heading {
  depth: number;
  slug: string;
  text: string;
}

export interface RenderedMarkdown {
  html: string;
  headings: Heading[];
}

type Renderer = Awaited<ReturnType<typeof createSatteriMarkdownProcessor>>;
let renderer: Promise<Renderer> | undefined;

function getRenderer(): Promise<Renderer> {
  renderer ??= createSatteriMarkdownProcessor({
    syntaxHighlight: "shiki",
    shikiConfig: { themes: { light: "github-light-high-contrast", dark: "github-dark-high-contrast" }, defaultColor: false, wrap: false },
  });
  return renderer;
}

const cache = new Map<string, Promise<RenderedMarkdown>>();

const ANCHOR = /<a\s([^>]*?)href="([^"]*)"([^>]*)>([\s\S]*?)<\/a>/g;

function unescapeAttr(value: string): string {
  return value.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
}

/**
 * Renders `source`, whose links are relative to `from` (its path inside the
 * content folder, e.g. `docs/guides/keys.md`).
 */
export function renderMarkdown(view: GuestView, source: string, from: string): Promise<RenderedMarkdown> {
  const key = `${from}\0${source}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = (async () => {
      const result = await (await getRenderer()).render(source);
      let html = result.code.replace(ANCHOR, (whole, before: string, href: string, after: string, text: string) => {
        const link = resolveLink(view, from, unescapeAttr(href));
        if (link.kind === "keep") return whole;
        if (link.kind === "hidden") return `<span class="unlinked">${text}</span>`;
        return `<a ${before}href="${escapeAttr(link.href)}"${after}>${text}</a>`;
      });
      // Wide tables scroll inside the text column instead of widening the page.
      html = html.replace(/<table>/g, '<div class="table-scroll" tabindex="0"><table>').replace(/<\/table>/g, "</table></div>");
      return { html, headings: result.metadata.headings };
    })();
    cache.set(key, hit);
  }
  return hit;
}

/** Markdown inline (one paragraph, e.g. a summary): the outer `<p>` removed. */
export async function renderInline(view: GuestView, source: string, from: string): Promise<string> {
  const { html } = await renderMarkdown(view, source, from);
  const m = /^<p>([\s\S]*)<\/p>\s*$/.exec(html.trim());
  return m ? m[1]! : html;
}

const MD_LINK = /(!?)\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)((?:\s+"[^"]*")?)\)/g;
const MD_DEFINITION = /^(\s{0,3}\[[^\]]+\]:\s*)(\S+)(.*)$/gm;

/**
 * The markdown source as published in the `.md` copy of a page: links
 * resolved like in HTML (to the markdown copies when `target` is `md`),
 * links to hidden pages reduced to their text.
 */
export function publishMarkdown(view: GuestView, source: string, from: string, target: LinkTarget = "md"): string {
  return source
    .replace(MD_LINK, (whole, bang: string, text: string, href: string, title: string) => {
      if (bang === "!") return whole;
      const link = resolveLink(view, from, href, target);
      if (link.kind === "keep") return whole;
      if (link.kind === "hidden") return text;
      return `[${text}](${link.href}${title})`;
    })
    .replace(MD_DEFINITION, (whole, label: string, href: string, rest: string) => {
      const link = resolveLink(view, from, href, target);
      if (link.kind === "keep") return whole;
      if (link.kind === "hidden") return "";
      return `${label}${link.href}${rest}`;
    });
}
