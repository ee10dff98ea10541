/**
 * The checks between content files, run after every file has been read on
 * its own: products name existing APIs, no API is in two open products,
 * groups exist, API paths do not overlap, links between pages resolve. And
 * the fields derived from those references (an API's products and
 * visibility).
 */
import path from "node:path";
import type { Api, DocPage, Group, Problem, Product } from "./catalog.ts";
import { anchorsOf, findLinks } from "./markdown.ts";
import { closest, didYouMean, listOf, problemAt } from "./problems.ts";
import { dottedPath, locate, positionAt, textFile, type LocateMode, type PathSegment, type YamlSource } from "./source.ts";

/*
 * What the checks between files need from each file. The fields used by
 * those checks are read one by one from the raw value when the file as a
 * whole is invalid, so a typo in a product's `state` does not hide that the
 * same product names a missing API.
 */

export interface ApiRecord {
  id: string;
  source: YamlSource;
  /** Present when api.yaml and the definitions are valid. */
  api?: Api;
  path?: string;
  visibility?: string[];
}

export interface ProductRecord {
  id: string;
  source: YamlSource;
  /** Present when the frontmatter is valid. */
  product?: Product;
  apis?: string[];
  groups?: string[];
  open: boolean;
}

export interface DocRecord {
  source: YamlSource;
  /** Present when the frontmatter is valid. */
  doc?: DocPage;
  groups?: string[];
}

export interface PageRecord {
  /** Path relative to the content folder, POSIX separators. */
  relative: string;
  text: string;
  bodyStart: number;
  display: string;
}

export interface GroupsResult {
  /** Undefined when groups.yaml is invalid. */
  groups: Record<string, Group> | undefined;
  /** Ids that references may use: the built-in groups and every key of groups.yaml, valid or not. */
  known: string[];
}

export interface ApisResult {
  records: ApiRecord[];
  /** Every API folder with a valid id, loaded or not: what products may name. */
  ids: Set<string>;
}

function report(problems: Problem[], source: YamlSource, pathInFile: readonly PathSegment[], message: string, mode: LocateMode = "value"): void {
  problems.push(problemAt(locate(source, pathInFile, mode), message, { path: dottedPath(pathInFile) }));
}

/** Products name existing API folders, an API is in one open product at most, and product groups exist. */
export function checkProducts(problems: Problem[], products: readonly ProductRecord[], apis: ApisResult, groups: GroupsResult): void {
  const apiIds = [...apis.ids].sort();
  const openOwner = new Map<string, string>();
  for (const record of [...products].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    record.apis?.forEach((apiId, index) => {
      if (!apis.ids.has(apiId)) {
        const list = apiIds.length === 0 ? "there are no APIs (folders under apis/)" : `APIs: ${listOf(apiIds)}`;
        report(problems, record.source, ["apis", index], `unknown API '${apiId}'${didYouMean(apiId, apiIds)}; ${list}`);
        return;
      }
      if (!record.open) return;
      const owner = openOwner.get(apiId);
      if (owner === undefined) {
        openOwner.set(apiId, record.id);
        return;
      }
      report(
        problems,
        record.source,
        ["apis", index],
        `API '${apiId}' is also in open product '${owner}': an API may be in one open product (subscriptionRequired: false) only, ` +
          "since a call without a key must belong to one product; remove it here or require a subscription in one of them",
      );
    });
    if (record.groups !== undefined) checkGroupList(problems, record.source, ["groups"], record.groups, groups.known);
  }
}

function checkGroupList(
  problems: Problem[],
  source: YamlSource,
  listPath: readonly PathSegment[],
  list: readonly string[],
  known: readonly string[],
): void {
  list.forEach((group, index) => {
    if (known.includes(group)) return;
    report(
      problems,
      source,
      [...listPath, index],
      `unknown group '${group}'${didYouMean(group, known)}; groups: ${listOf(known)} (custom groups are defined in groups.yaml)`,
    );
  });
}

export function checkGroups(problems: Problem[], groups: GroupsResult, apis: readonly ApiRecord[], docs: readonly DocRecord[]): void {
  for (const record of apis) {
    if (record.visibility !== undefined) checkGroupList(problems, record.source, ["visibility"], record.visibility, groups.known);
  }
  for (const doc of docs) if (doc.groups !== undefined) checkGroupList(problems, doc.source, ["groups"], doc.groups, groups.known);
}

/**
 * The gateway picks an API by path prefix, segment by segment: two APIs at
 * the same path, or one under another (`/weather` and `/weather/v2`), would
 * make some calls ambiguous.
 */
export function checkApiPaths(problems: Problem[], records: readonly ApiRecord[]): void {
  const sorted = records.filter((r) => r.path !== undefined).sort((a, b) => (a.id < b.id ? -1 : 1)) as Array<ApiRecord & { path: string }>;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = 0; j < i; j++) {
      const mine = sorted[i]!;
      const other = sorted[j]!;
      const a = mine.path.toLowerCase().split("/");
      const b = other.path.toLowerCase().split("/");
      const shorter = a.length <= b.length ? a : b;
      const longer = shorter === a ? b : a;
      if (!shorter.every((segment, k) => segment === longer[k])) continue;
      const relation =
        a.length === b.length ? "is also the path of" : a.length < b.length ? "is a prefix of the path of" : "is under the path of";
      report(
        problems,
        mine.source,
        ["path"],
        `path '${mine.path}' ${relation} API '${other.id}' ('${other.path}'): the gateway could not tell their calls apart; choose paths where neither is a prefix of the other`,
      );
    }
  }
}

/**
 * Relative links to `.md` files between docs pages and product pages must
 * name a page that exists (the portal turns them into page URLs); a link's
 * `#anchor` should name a heading of that page (a warning: the page still
 * opens, at the top).
 */
export function checkLinks(problems: Problem[], pages: readonly PageRecord[]): void {
  const byPath = new Map(pages.map((page) => [page.relative, page]));
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (page: PageRecord) => {
    let set = anchorCache.get(page.relative);
    if (set === undefined) {
      set = anchorsOf(page.text, page.bodyStart);
      anchorCache.set(page.relative, set);
    }
    return set;
  };
  for (const page of pages) {
    const file = textFile(page.display, page.text);
    const folder = path.posix.dirname(page.relative);
    for (const link of findLinks(page.text, page.bodyStart)) {
      const target = link.target;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("/")) continue;
      const hash = target.indexOf("#");
      const filePart = (hash === -1 ? target : target.slice(0, hash)).replace(/\?.*$/, "");
      const anchor = hash === -1 ? "" : safeDecode(target.slice(hash + 1));
      const position = positionAt(file, link.offset);
      if (filePart === "") {
        if (anchor !== "" && !anchors(page).has(anchor)) {
          problems.push(problemAt(position, anchorMessage(target, anchor, "this page", anchors(page)), { severity: "warning" }));
        }
        continue;
      }
      if (!filePart.toLowerCase().endsWith(".md")) continue;
      const resolved = path.posix.normalize(path.posix.join(folder, safeDecode(filePart)));
      const linked = byPath.get(resolved);
      if (linked === undefined) {
        const candidates = pages.map((p) => {
          const relative = path.posix.relative(folder, p.relative);
          return relative.startsWith("..") ? relative : `./${relative}`;
        });
        // Close as a path and close in its file name: '../docs/guide.md' is
        // near '../docs/index.md' by characters, but not a likely typo of it.
        const suggestion = closest(filePart, candidates);
        const likely = suggestion !== undefined && closest(path.posix.basename(filePart), [path.posix.basename(suggestion)]) !== undefined;
        const hint = likely ? ` (did you mean '${suggestion}'?)` : "";
        problems.push(problemAt(position, `broken link '${target}': there is no page ${resolved}${hint}`));
        continue;
      }
      if (anchor !== "" && !anchors(linked).has(anchor)) {
        problems.push(problemAt(position, anchorMessage(target, anchor, linked.relative, anchors(linked)), { severity: "warning" }));
      }
    }
  }
}

function anchorMessage(target: string, anchor: string, where: string, anchors: Set<string>): string {
  const list = anchors.size === 0 ? "it has no headings" : `anchors: ${listOf([...anchors], 15)}`;
  return `link '${target}': ${where} has no heading with the anchor '#${anchor}'${didYouMean(anchor, anchors)}; ${list}`;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * `api.products` lists every product that includes the API; `visibility`,
 * unless api.yaml sets it, is the union of the groups of the *published*
 * products including it, so an API reachable only through hidden products
 * stays hidden. An API in no published product is for administrators only.
 */
export function deriveApiFields(apis: readonly Api[], products: readonly Product[]): void {
  const sorted = [...products].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const api of apis) {
    const including = sorted.filter((p) => p.apis.includes(api.id));
    api.products = including.map((p) => p.id);
    if (api.visibilityExplicit) continue;
    const groups = new Set<string>();
    for (const p of including) if (p.state === "published") for (const g of p.groups) groups.add(g);
    api.visibility = groups.size === 0 ? ["administrators"] : [...groups];
  }
}
