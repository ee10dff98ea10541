/**
 * What the audience of a build may see. The public portal (`dist/`) is built
 * for guests; each restricted tree (`dist-restricted/<audience>/`, see
 * gateway/src/server/audiences.ts) is the same portal built for one set of
 * groups. Every page, feed and file reads the catalog through the view,
 * never the raw catalog. The rule itself is the service's (`gateway/src/
 * accounts/visibility.ts`, asked here with the audience's groups), so the
 * build and the management API can never disagree about who sees what.
 *
 * The view is also scrubbed: an API's product list, a product's API list and
 * every `groups`/`visibility` list keep only what the audience may see, so a
 * component that prints them cannot leak the name of a hidden product, API or
 * custom group.
 */
import { canSeeApi, canSeeDoc, canSeeProduct, GUEST_GROUPS, type Groups } from "../../gateway/src/accounts/visibility.ts";
import type { Api, Catalog, DocPage, Portal, Product, Theme } from "../../gateway/src/model/catalog.ts";

export function guestMaySeeProduct(product: Product): boolean {
  return canSeeProduct(product, GUEST_GROUPS);
}

export function guestMaySeeApi(api: Api): boolean {
  return canSeeApi(api, GUEST_GROUPS);
}

export function guestMaySeeDoc(doc: DocPage): boolean {
  return canSeeDoc(doc, GUEST_GROUPS);
}

/** Groups that may be named on a public page: the built-in ones that include guests. */
const PUBLIC_GROUPS = new Set(["guests", "developers"]);

/** What one audience may see; the public build's is the guests' view. */
export interface GuestView {
  /** The groups the view was made for (`guests` for the public build). */
  groups: Groups;
  portal: Portal;
  theme: Theme;
  /** Sorted by title. */
  apis: Api[];
  /** Sorted by `order`, then title. */
  products: Product[];
  /** In catalog order; see docs-nav.ts for the sidebar order. */
  docs: DocPage[];
  api(id: string): Api | undefined;
  product(id: string): Product | undefined;
  doc(slug: string): DocPage | undefined;
  /** The guest-visible products that include `api`, in product order. */
  productsOf(api: Api): Product[];
  /** The guest-visible APIs of `product`, in the product's order. */
  apisOf(product: Product): Api[];
}

export type PortalView = GuestView;

export function guestView(catalog: Catalog): GuestView {
  return audienceView(catalog, GUEST_GROUPS);
}

/**
 * The catalog as members of `groups` see it. Group names printed on a page
 * are those of the audience (and the public built-in ones), never another
 * group's.
 */
export function audienceView(catalog: Catalog, groups: Groups): GuestView {
  const nameable = new Set([...PUBLIC_GROUPS, ...groups]);
  const products = Object.values(catalog.products)
    .filter((p) => canSeeProduct(p, groups))
    .sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
  const productIds = new Set(products.map((p) => p.id));
  const apis = Object.values(catalog.apis)
    .filter((a) => canSeeApi(a, groups))
    .sort((a, b) => a.title.localeCompare(b.title));
  const apiIds = new Set(apis.map((a) => a.id));
  const docs = catalog.docs.filter((d) => canSeeDoc(d, groups));

  const scrubbedApis = apis.map(
    (api): Api => ({
      ...api,
      products: api.products.filter((id) => productIds.has(id)),
      visibility: api.visibility.filter((g) => nameable.has(g)),
    }),
  );
  const scrubbedProducts = products.map(
    (product): Product => ({
      ...product,
      apis: product.apis.filter((id) => apiIds.has(id)),
      groups: product.groups.filter((g) => nameable.has(g)),
    }),
  );
  const scrubbedDocs = docs.map((doc): DocPage => ({ ...doc, groups: doc.groups.filter((g) => nameable.has(g)) }));

  const apiMap = new Map(scrubbedApis.map((a) => [a.id, a]));
  const productMap = new Map(scrubbedProducts.map((p) => [p.id, p]));
  const docMap = new Map(scrubbedDocs.map((d) => [d.slug, d]));
  const { portal, theme } = catalog;
  return {
    groups,
    portal,
    theme,
    apis: scrubbedApis,
    products: scrubbedProducts,
    docs: scrubbedDocs,
    api: (id) => apiMap.get(id),
    product: (id) => productMap.get(id),
    doc: (slug) => docMap.get(slug),
    productsOf: (api) => scrubbedProducts.filter((p) => p.apis.includes(api.id)),
    apisOf: (product) => product.apis.map((id) => apiMap.get(id)).filter((a): a is Api => a !== undefined),
  };
}
