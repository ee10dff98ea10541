/**
 * The visibility rule over the demo content, for every product × group
 * combination: who sees each product, who may subscribe to it, who sees each
 * API and each guide. The expectations are written out in tables, so a change
 * to content/products/*.md that alters who sees what fails here by name.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../model/catalog.ts";
import { loadCatalog } from "../model/loader.ts";
import {
  canSeeApi,
  canSeeDoc,
  canSeeProduct,
  canSubscribe,
  groupsOf,
  GUEST_GROUPS,
  isAdministrator,
  visibleApis,
  visibleDocs,
  visibleProducts,
  visibleProductsOfApi,
  type Groups,
} from "./visibility.ts";

const ROOT = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

let catalog: Catalog;
beforeAll(async () => {
  const loaded = await loadCatalog(path.join(ROOT, "content"), { themesDir: path.join(ROOT, "themes"), env: {} });
  if (!loaded.catalog) throw new Error(loaded.problems.map((p) => p.message).join("\n"));
  catalog = loaded.catalog;
});

const user = { id: "u1" };
const CALLERS: Record<string, Groups> = {
  guest: GUEST_GROUPS,
  developer: groupsOf(user),
  partner: groupsOf(user, ["partners"]),
  administrator: groupsOf(user, ["administrators"]),
};
type Caller = keyof typeof CALLERS;

const SEES_PRODUCT: Record<string, Record<Caller, boolean>> = {
  starter: { guest: true, developer: true, partner: true, administrator: true },
  basic: { guest: true, developer: true, partner: true, administrator: true },
  premium: { guest: false, developer: true, partner: true, administrator: true },
  partner: { guest: false, developer: false, partner: true, administrator: true },
};

// Starter is open (no key needed), so nobody subscribes to it; guests never
// subscribe because subscribing needs an account, which the route checks.
const MAY_SUBSCRIBE: Record<string, Record<Caller, boolean>> = {
  starter: { guest: false, developer: false, partner: false, administrator: false },
  basic: { guest: true, developer: true, partner: true, administrator: true },
  premium: { guest: false, developer: true, partner: true, administrator: true },
  partner: { guest: false, developer: false, partner: true, administrator: true },
};

const SEES_API: Record<string, Record<Caller, boolean>> = {
  status: { guest: true, developer: true, partner: true, administrator: true },
  weather: { guest: true, developer: true, partner: true, administrator: true },
  fleet: { guest: false, developer: false, partner: true, administrator: true },
};

describe("groupsOf", () => {
  it("puts everyone in guests, signed-in users also in developers, and adds stored memberships", () => {
    expect([...groupsOf(null)]).toEqual(["guests"]);
    expect([...groupsOf(user)].sort()).toEqual(["developers", "guests"]);
    expect([...groupsOf(user, ["partners"])].sort()).toEqual(["developers", "guests", "partners"]);
    expect(isAdministrator(CALLERS.administrator!)).toBe(true);
    expect(isAdministrator(CALLERS.partner!)).toBe(false);
  });
});

describe("products × groups of the demo", () => {
  for (const [product, row] of Object.entries(SEES_PRODUCT)) {
    for (const [caller, expected] of Object.entries(row)) {
      it(`${caller} ${expected ? "sees" : "does not see"} ${product}`, () => {
        expect(canSeeProduct(catalog.products[product]!, CALLERS[caller]!)).toBe(expected);
      });
    }
  }
  for (const [product, row] of Object.entries(MAY_SUBSCRIBE)) {
    for (const [caller, expected] of Object.entries(row)) {
      it(`${caller} ${expected ? "may" : "may not"} subscribe to ${product}`, () => {
        expect(canSubscribe(catalog.products[product]!, CALLERS[caller]!)).toBe(expected);
      });
    }
  }
  it("lists exactly the visible products, in the portal's order", () => {
    const ids = (c: Caller) => visibleProducts(catalog, CALLERS[c]!).map((p) => p.id);
    expect(ids("guest")).toEqual(["starter", "basic"]);
    expect(ids("developer")).toEqual(["starter", "basic", "premium"]);
    expect(ids("partner")).toEqual(["starter", "basic", "premium", "partner"]);
    expect(ids("administrator")).toEqual(["starter", "basic", "premium", "partner"]);
  });
});

describe("APIs × groups of the demo", () => {
  for (const [api, row] of Object.entries(SEES_API)) {
    for (const [caller, expected] of Object.entries(row)) {
      it(`${caller} ${expected ? "sees" : "does not see"} the ${api} API`, () => {
        expect(canSeeApi(catalog.apis[api]!, CALLERS[caller]!)).toBe(expected);
      });
    }
  }
  it("names only the visible products of an API", () => {
    const status = catalog.apis.status!;
    const ids = (groups: Groups) => visibleProductsOfApi(catalog, status, groups).map((p) => p.id).sort();
    expect(ids(GUEST_GROUPS)).toEqual(["basic", "starter"]);
    expect(ids(CALLERS.developer!)).toEqual(["basic", "premium", "starter"]);
    expect(visibleApis(catalog, GUEST_GROUPS).map((a) => a.id).sort()).toEqual(["status", "weather"]);
  });
});

describe("guides × groups of the demo", () => {
  it("shows the partner guide to partners and administrators only", () => {
    const partnerGuide = catalog.docs.find((d) => d.slug.startsWith("partners/"))!;
    expect(canSeeDoc(partnerGuide, GUEST_GROUPS)).toBe(false);
    expect(canSeeDoc(partnerGuide, CALLERS.developer!)).toBe(false);
    expect(canSeeDoc(partnerGuide, CALLERS.partner!)).toBe(true);
    expect(canSeeDoc(partnerGuide, CALLERS.administrator!)).toBe(true);
    expect(visibleDocs(catalog, GUEST_GROUPS).length).toBe(catalog.docs.length - 1);
  });
});

describe("unpublished products", () => {
  it("are seen by administrators only, and nobody may subscribe to them", () => {
    const draft = { ...catalog.products.basic!, state: "notPublished" as const };
    for (const caller of ["guest", "developer", "partner"] as const) expect(canSeeProduct(draft, CALLERS[caller]!)).toBe(false);
    expect(canSeeProduct(draft, CALLERS.administrator!)).toBe(true);
    expect(canSubscribe(draft, CALLERS.administrator!)).toBe(false);
  });
});
