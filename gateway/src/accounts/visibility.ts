/**
 * The one rule for who may see what. Every management route, the portal
 * build (for guests) and the restricted pages ask these functions; nothing
 * else decides visibility.
 *
 * - Everyone is in `guests`; every signed-in user is also in `developers`;
 *   `administrators` and custom groups come from memberships.
 * - Administrators see everything, published or not.
 * - Others see a product when it is published and one of its groups is
 *   theirs, and an API when its visibility names one of their groups.
 * - A docs page is visible when one of its groups is theirs.
 */
import type { Api, Catalog, DocPage, Product } from "../model/catalog.ts";

export type Groups = ReadonlySet<string>;

export const GUEST_GROUPS: Groups = new Set(["guests"]);

/** The groups of a caller: `memberships` are the groups stored for a signed-in user. */
export function groupsOf(user: { id: string } | null, memberships: readonly string[] = []): Groups {
  if (user === null) return GUEST_GROUPS;
  return new Set(["guests", "developers", ...memberships]);
}

export function isAdministrator(groups: Groups): boolean {
  return groups.has("administrators");
}

function intersects(list: readonly string[], groups: Groups): boolean {
  for (const g of list) if (groups.has(g)) return true;
  return false;
}

export function canSeeProduct(product: Product, groups: Groups): boolean {
  if (isAdministrator(groups)) return true;
  return product.state === "published" && intersects(product.groups, groups);
}

export function canSeeApi(api: Api, groups: Groups): boolean {
  if (isAdministrator(groups)) return true;
  return intersects(api.visibility, groups);
}

export function canSeeDoc(doc: DocPage, groups: Groups): boolean {
  if (isAdministrator(groups)) return true;
  return intersects(doc.groups, groups);
}

/** Whether the caller may subscribe: visible, published, and a key is needed at all. */
export function canSubscribe(product: Product, groups: Groups): boolean {
  return product.state === "published" && product.subscriptionRequired && canSeeProduct(product, groups);
}

export function visibleProducts(catalog: Catalog, groups: Groups): Product[] {
  return Object.values(catalog.products)
    .filter((p) => canSeeProduct(p, groups))
    .sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
}

export function visibleApis(catalog: Catalog, groups: Groups): Api[] {
  return Object.values(catalog.apis)
    .filter((a) => canSeeApi(a, groups))
    .sort((a, b) => a.title.localeCompare(b.title));
}

export function visibleDocs(catalog: Catalog, groups: Groups): DocPage[] {
  return catalog.docs.filter((d) => canSeeDoc(d, groups));
}

/** The products that include `api` which the caller may see (e.g. on an API page). */
export function visibleProductsOfApi(catalog: Catalog, api: Api, groups: Groups): Product[] {
  return api.products
    .map((id) => catalog.products[id])
    .filter((p): p is Product => p !== undefined && canSeeProduct(p, groups));
}
