/**
 * Links written in content files, resolved the way a publisher writes them:
 * `[keys](./keys.md)` from a docs page, `../docs/getting-started.md` from a
 * product page, or a portal path like `/products/basic`. A link to a page a
 * guest may not see (or that does not exist) resolves to `hidden`, and the
 * renderer prints its text without the link, so a public page never names
 * the address of a restricted one.
 */
import path from "node:path";
import { isPolicyReferenceSlug } from "./policy-docs.ts";
import type { GuestView } from "./visibility.ts";

export type LinkTarget = "html" | "md";

export type ResolvedLink = { kind: "keep" } | { kind: "rewrite"; href: string } | { kind: "hidden" };

/**
 * The `file` of a catalog entry (relative to the content folder, e.g.
 * `docs/guides/keys.md`) with forward slashes, the base for its links.
 */
export function contentPath(file: string): string {
  return file.split(/[\\/]/).filter((p) => p !== "" && p !== ".").join("/");
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

function splitSuffix(href: string): [string, string] {
  const i = href.search(/[?#]/);
  return i === -1 ? [href, ""] : [href.slice(0, i), href.slice(i)];
}

function docTarget(view: GuestView, slug: string, suffix: string, target: LinkTarget): ResolvedLink {
  const clean = slug.replace(/\/index$/, "").replace(/^index$/, "");
  const doc = view.doc(clean) ?? view.doc(slug);
  if (!doc) return { kind: "hidden" };
  return { kind: "rewrite", href: target === "md" ? `/docs/${doc.slug}.md${suffix.startsWith("#") ? "" : suffix}` : `/docs/${doc.slug}${suffix}` };
}

/** Whether a portal path (`/docs/…`, `/products/…`, `/apis/…`) is one a guest may see; other paths pass. */
function portalPathVisible(view: GuestView, pathname: string): boolean {
  const m = /^\/(docs|products|apis)\/([^?#]+?)(?:\.md)?\/?$/.exec(pathname);
  if (!m) return true;
  const [, section, rest] = m as unknown as [string, string, string];
  if (section === "docs") return view.doc(rest) !== undefined || view.doc(rest.replace(/\/index$/, "")) !== undefined || isPolicyReferenceSlug(rest);
  const id = rest.split("/")[0]!;
  return section === "products" ? view.product(id) !== undefined : view.api(id) !== undefined;
}

export function resolveLink(view: GuestView, from: string, href: string, target: LinkTarget = "html"): ResolvedLink {
  if (href === "" || href.startsWith("#") || href.startsWith("//") || SCHEME.test(href)) return { kind: "keep" };
  const [pathname, suffix] = splitSuffix(href);
  if (pathname.startsWith("/")) return portalPathVisible(view, pathname) ? { kind: "keep" } : { kind: "hidden" };

  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(from), decodeURI(pathname)));
  if (resolved.startsWith("docs/") && resolved.endsWith(".md")) {
    return docTarget(view, resolved.slice("docs/".length, -".md".length), suffix, target);
  }
  if (resolved.startsWith("products/") && resolved.endsWith(".md")) {
    const product = view.product(resolved.slice("products/".length, -".md".length));
    return product ? { kind: "rewrite", href: `/products/${product.id}${suffix}` } : { kind: "hidden" };
  }
  const api = /^apis\/([^/]+)\//.exec(resolved);
  if (api) {
    return view.api(api[1]!) ? { kind: "rewrite", href: `/apis/${api[1]}${suffix}` } : { kind: "hidden" };
  }
  return { kind: "keep" };
}
