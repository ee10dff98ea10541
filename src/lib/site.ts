/**
 * Everything a page needs about the portal, built once per build from the
 * view of the catalog for the build's audience (guests for the public
 * portal, see catalog.ts `porticoPaths`). The middleware puts it on `Astro.locals.portico`
 * so that components (and a theme's overrides) read it without props.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gatewayOrigin } from "./apis.ts";
import { getFullCatalog, porticoPaths } from "./catalog.ts";
import { docsTree, type NavItem } from "./docs-nav.ts";
import { translator, type Translate } from "./i18n.ts";
import { policyNav } from "./policy-docs.ts";
import { audienceView, type GuestView } from "./visibility.ts";

export interface ThemeAsset {
  /** Absolute path of the file in the theme folder. */
  file: string;
  /** Where the portal publishes it. */
  href: string;
  type: string;
}

export interface Site {
  view: GuestView;
  t: Translate;
  locale: string;
  /** Gateway origin without trailing slash. */
  gatewayUrl: string;
  /** The portal's public origin, for absolute URLs in sitemap.xml, OpenGraph and llms.txt. */
  siteUrl: string;
  docs: NavItem[];
  logo?: ThemeAsset & { svg?: string };
  favicon?: ThemeAsset;
  /** The docs page a newcomer should read first, if any. */
  startHref: string;
}

const MIME: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".avif": "image/avif",
};

function themeAsset(dir: string, file: string | undefined, name: string): ThemeAsset | undefined {
  if (!file) return undefined;
  const abs = path.resolve(dir, file);
  if (!existsSync(abs)) return undefined;
  const ext = path.extname(abs).toLowerCase();
  return { file: abs, href: `/theme/${name}${ext}`, type: MIME[ext] ?? "application/octet-stream" };
}

/** A logo SVG small enough to inline, so that `currentColor` follows the colour scheme. */
function inlineSvg(file: string): string | undefined {
  const text = readFileSync(file, "utf8");
  if (text.length > 12_000 || !/^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text)) return undefined;
  return text
    .replace(/^\s*<\?xml[^>]*>\s*/, "")
    .replace(/<svg\b/, '<svg aria-hidden="true" focusable="false"')
    .trim();
}

export function siteOrigin(url: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (url && url !== "") return url.replace(/\/+$/, "");
  const port = env.PORTICO_PORT && env.PORTICO_PORT !== "" ? env.PORTICO_PORT : "4000";
  return `http://localhost:${port}`;
}

const MEMO = Symbol.for("portico.portal.site");
type Holder = { [MEMO]?: { catalogVersion: object; site: Site } };

export async function getSite(): Promise<Site> {
  const catalog = await getFullCatalog();
  const holder = globalThis as Holder;
  if (holder[MEMO]?.catalogVersion === catalog) return holder[MEMO].site;
  const view = audienceView(catalog, new Set(porticoPaths().audience));
  const t = translator(view.portal.locale);
  // The content's guides, then the policy reference (generated, the same for everyone).
  const docs = [...docsTree(view.docs), policyNav(t)];
  const logo = themeAsset(catalog.theme.dir, catalog.theme.logo, "logo");
  const favicon = themeAsset(catalog.theme.dir, catalog.theme.favicon, "favicon");
  const first = view.doc("getting-started") ?? view.docs.slice().sort((a, b) => a.order - b.order)[0];
  const site: Site = {
    view,
    t,
    locale: view.portal.locale in { en: 1, de: 1 } ? view.portal.locale : "en",
    gatewayUrl: gatewayOrigin(view.portal.gatewayUrl),
    siteUrl: siteOrigin(view.portal.url),
    docs,
    logo: logo && logo.type === "image/svg+xml" ? { ...logo, svg: inlineSvg(logo.file) } : logo,
    favicon,
    startHref: first ? `/docs/${first.slug}` : "/apis",
  };
  holder[MEMO] = { catalogVersion: catalog, site };
  return site;
}
