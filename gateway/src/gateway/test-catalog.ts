/**
 * Small hand-built catalogs for the gateway's unit tests, so they do not
 * depend on the content loader.
 */
import type { Api, ApiVersion, Catalog, HttpMethod, Operation, PolicyDocument, Product } from "../model/catalog.ts";

export const emptyPolicies = (): PolicyDocument => ({ inbound: [], backend: [], outbound: [], "on-error": [] });

export function op(method: HttpMethod, path: string, id?: string): Operation {
  return {
    id: id ?? `${method}-${path}`,
    method,
    path,
    summary: "",
    description: "",
    tags: [],
    deprecated: false,
    parameters: [],
    responses: {},
  };
}

export function version(id: string, backend: string, operations: Operation[]): ApiVersion {
  return { id, backend, openapiFile: "openapi.yaml", document: {}, specVersion: "3.1.0", operations, deprecated: false };
}

export function api(id: string, path: string, versions: ApiVersion[], overrides: Partial<Api> = {}): Api {
  return {
    id,
    title: id,
    description: "",
    path,
    tags: [],
    tryIt: true,
    subscription: { required: true, header: "Ocp-Apim-Subscription-Key", query: "subscription-key" },
    versioning: null,
    versions,
    visibility: ["guests"],
    visibilityExplicit: false,
    products: [],
    policies: { api: emptyPolicies(), operations: {} },
    file: `content/apis/${id}/api.yaml`,
    ...overrides,
  };
}

export function product(id: string, apis: string[], overrides: Partial<Product> = {}): Product {
  return {
    id,
    title: id,
    summary: "",
    state: "published",
    subscriptionRequired: true,
    approvalRequired: false,
    subscriptionsLimit: null,
    groups: ["guests"],
    apis,
    terms: null,
    policies: emptyPolicies(),
    order: 0,
    body: "",
    file: `content/products/${id}.md`,
    ...overrides,
  };
}

export function catalog(apis: Api[], products: Product[]): Catalog {
  for (const a of apis) a.products = products.filter((p) => p.apis.includes(a.id)).map((p) => p.id);
  return {
    dir: "/content",
    portal: {
      title: "Test",
      tagline: "",
      description: "",
      theme: "default",
      locale: "en",
      keyPrefix: "test",
      signUp: { enabled: true, fields: [] },
      email: { from: "test@example.com" },
      file: "content/portal.yaml",
    },
    groups: {},
    apis: Object.fromEntries(apis.map((a) => [a.id, a])),
    products: Object.fromEntries(products.map((p) => [p.id, p])),
    globalPolicies: emptyPolicies(),
    docs: [],
    theme: { id: "default", name: "Default", dir: "/themes/default", tokens: { light: {}, dark: {}, fonts: { body: "", heading: "", mono: "" }, radius: "4px" } },
    version: "test",
  };
}
