/**
 * The docs sidebar: pages ordered by `order` (then title), folders nested as
 * in `content/docs/`. A page whose slug is a folder's path (`guides/index.md`
 * → `guides`) is that folder's landing page and gives it its title and
 * position. Previous/next follow the sidebar from top to bottom.
 */
import type { DocPage } from "../../gateway/src/model/catalog.ts";

export interface NavPage {
  type: "page";
  slug: string;
  title: string;
  order: number;
}

export interface NavFolder {
  type: "folder";
  path: string;
  label: string;
  order: number;
  /** The folder's own page, when it has one. */
  page?: NavPage;
  children: NavItem[];
}

export type NavItem = NavPage | NavFolder;

function titleCase(segment: string): string {
  const words = segment.replace(/[-_]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sortItems(items: NavItem[]): void {
  items.sort((a, b) => a.order - b.order || (a.type === "page" ? a.title : a.label).localeCompare(b.type === "page" ? b.title : b.label));
  for (const item of items) if (item.type === "folder") sortItems(item.children);
}

export function docsTree(docs: readonly DocPage[]): NavItem[] {
  const root: NavFolder = { type: "folder", path: "", label: "", order: 0, children: [] };
  const folders = new Map<string, NavFolder>([["", root]]);
  const folder = (p: string): NavFolder => {
    let f = folders.get(p);
    if (f) return f;
    const parentPath = p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "";
    f = { type: "folder", path: p, label: titleCase(p.slice(p.lastIndexOf("/") + 1)), order: Infinity, children: [] };
    folders.set(p, f);
    folder(parentPath).children.push(f);
    return f;
  };
  const slugs = new Set(docs.map((d) => d.slug));
  const isFolderPath = (slug: string) => [...slugs].some((s) => s.startsWith(slug + "/"));

  for (const doc of docs) {
    const page: NavPage = { type: "page", slug: doc.slug, title: doc.title, order: doc.order };
    if (isFolderPath(doc.slug)) {
      const f = folder(doc.slug);
      f.page = page;
      f.label = doc.title;
      continue;
    }
    const parentPath = doc.slug.includes("/") ? doc.slug.slice(0, doc.slug.lastIndexOf("/")) : "";
    folder(parentPath).children.push(page);
  }
  // A folder without its own page sits where its first page does.
  const settle = (f: NavFolder): number => {
    let min = Infinity;
    for (const child of f.children) min = Math.min(min, child.type === "folder" ? settle(child) : child.order);
    f.order = f.page ? f.page.order : min;
    return f.order;
  };
  settle(root);
  sortItems(root.children);
  return root.children;
}

/** Pages in sidebar order. */
export function flattenDocs(items: readonly NavItem[]): NavPage[] {
  const out: NavPage[] = [];
  for (const item of items) {
    if (item.type === "page") out.push(item);
    else {
      if (item.page) out.push(item.page);
      out.push(...flattenDocs(item.children));
    }
  }
  return out;
}

export function neighbours(items: readonly NavItem[], slug: string): { prev?: NavPage; next?: NavPage } {
  const flat = flattenDocs(items);
  const i = flat.findIndex((p) => p.slug === slug);
  if (i === -1) return {};
  return { prev: flat[i - 1], next: flat[i + 1] };
}

/** Whether `slug` is `item` or inside it (to open the right folders). */
export function contains(item: NavItem, slug: string): boolean {
  if (item.type === "page") return item.slug === slug;
  return item.page?.slug === slug || item.children.some((c) => contains(c, slug));
}
