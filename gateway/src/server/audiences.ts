/**
 * Audiences of the restricted portal trees.
 *
 * The public portal (`dist/`) is what a guest sees. Everything else is built
 * again, as a whole portal, once per audience: a set of groups whose members
 * see more than guests do (`dist-restricted/<audience>/`). The service
 * serves a signed-in caller from the tree of their audience, checked on every
 * request, so a page that a caller may not see does not exist for them: no
 * page, nav entry, search index entry, feed line or download.
 *
 * Which audiences exist follows from the visibility rule
 * (gateway/src/accounts/visibility.ts): for anyone but an administrator, what
 * a set of groups sees is the union of what each of its groups sees (with
 * `guests` and `developers`, which every signed-in user has). So:
 *
 * - `developers` is every signed-in user who is in no group that matters;
 * - one audience per combination of the custom groups that content names,
 *   skipping a combination that sees no more than one of its parts (its
 *   pages would be the same bytes);
 * - `administrators`, who see everything, published or not.
 *
 * An audience whose view equals a smaller one's is not built: the caller is
 * served the smaller one, which renders the same pages. Beyond
 * MAX_COMBINED_GROUPS groups that matter, only single groups are built (the
 * number of combinations doubles with each group): a member of several such
 * groups is then served the tree of the one that shows them most, and the
 * build says so.
 */
import { canSeeApi, canSeeDoc, canSeeProduct, type Groups } from "../accounts/visibility.ts";
import type { Catalog } from "../model/catalog.ts";

export const BUILT_IN_GROUPS = ["administrators", "developers", "guests"] as const;

/** Custom groups beyond which combinations are not built. */
export const MAX_COMBINED_GROUPS = 4;

export interface Audience {
  /** Folder name under the restricted tree: `developers`, `partners`, `partners+resellers`, `administrators`. */
  id: string;
  /** Every group of the audience, sorted: built-in ones included (`guests`, `developers`, …). */
  groups: string[];
  /** How many pages, APIs and products it sees: the service prefers the audience that sees most. */
  weight: number;
}

export interface AudiencePlan {
  audiences: Audience[];
  /** Said by the build when combinations were not built. */
  warning?: string;
}

/** What members of `groups` see, as one comparable key, and how much it is. */
function visibleSet(catalog: Catalog, groups: Groups): { key: string; weight: number } {
  const items: string[] = [];
  for (const p of Object.values(catalog.products)) if (canSeeProduct(p, groups)) items.push(`p:${p.id}`);
  for (const a of Object.values(catalog.apis)) if (canSeeApi(a, groups)) items.push(`a:${a.id}`);
  for (const d of catalog.docs) if (canSeeDoc(d, groups)) items.push(`d:${d.slug}`);
  items.sort();
  return { key: items.join("\n"), weight: items.length };
}

/** Custom groups that some product, API or docs page names: the only ones that change what is seen. */
export function gatingGroups(catalog: Catalog): string[] {
  const named = new Set<string>();
  for (const p of Object.values(catalog.products)) for (const g of p.groups) named.add(g);
  for (const a of Object.values(catalog.apis)) for (const g of a.visibility) named.add(g);
  for (const d of catalog.docs) for (const g of d.groups) named.add(g);
  for (const g of BUILT_IN_GROUPS) named.delete(g);
  return [...named].sort();
}

function subsets<T>(list: readonly T[], maxSize: number): T[][] {
  const out: T[][] = [[]];
  for (const item of list) {
    const n = out.length;
    for (let i = 0; i < n; i++) if (out[i]!.length < maxSize) out.push([...out[i]!, item]);
  }
  return out.sort((a, b) => a.length - b.length);
}

/** The restricted audiences to build for `catalog`; guests are the public build and never listed. */
export function planAudiences(catalog: Catalog): AudiencePlan {
  const gating = gatingGroups(catalog);
  const combine = gating.length <= MAX_COMBINED_GROUPS;
  const guests = visibleSet(catalog, new Set(["guests"])).key;
  const seen = new Set<string>([guests]);
  const audiences: Audience[] = [];
  for (const custom of subsets(gating, combine ? gating.length : 1)) {
    const groups = ["guests", "developers", ...custom].sort();
    const visible = visibleSet(catalog, new Set(groups));
    if (seen.has(visible.key)) continue;
    seen.add(visible.key);
    audiences.push({ id: custom.length === 0 ? "developers" : custom.join("+"), groups, weight: visible.weight });
  }
  const admin = visibleSet(catalog, new Set(["administrators"]));
  // Built whenever administrators see more than guests, even when another
  // audience sees the same: an administrator need not be in that audience's groups.
  if (admin.key !== guests) audiences.push({ id: "administrators", groups: ["administrators"], weight: admin.weight });
  return {
    audiences,
    warning: combine
      ? undefined
      : `${gating.length} groups gate content (${gating.join(", ")}): restricted pages are built for each group alone, ` +
        `not for every combination, so a member of several of them sees the pages of one group at a time`,
  };
}

/**
 * The audience whose tree a caller with `groups` is served: administrators
 * get theirs; anyone else the built audience that sees most among those whose
 * groups they all have. None (undefined) means the public portal.
 */
export function audienceFor(groups: Groups, built: readonly Audience[]): Audience | undefined {
  if (groups.has("administrators")) {
    const admin = built.find((a) => a.id === "administrators");
    if (admin) return admin;
  }
  let best: Audience | undefined;
  for (const audience of built) {
    if (audience.id === "administrators") continue;
    if (!audience.groups.every((g) => groups.has(g))) continue;
    if (best === undefined || audience.weight > best.weight) best = audience;
  }
  return best;
}
