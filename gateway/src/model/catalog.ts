/**
 * The typed catalog that `loadCatalog()` builds from a content folder. The
 * portal build and the service both import it; nothing parses content twice.
 *
 * Everything here is plain data (no class instances, no cycles) so that a
 * catalog can be serialised into a gateway node's configuration snapshot.
 */

/** A place in a content file, 1-based, for messages. */
export interface SourcePosition {
  /**
   * Path of the file as printed: relative to the working directory of the
   * process that loaded the content (`content/portal.yaml` when run from
   * the content folder's parent). The `file` fields of Portal, Api, Product
   * and DocPage are instead relative to the content folder.
   */
  file: string;
  line: number;
  column: number;
}

/** One thing wrong with the content: printed as `file:line:column: message`. */
export interface Problem extends SourcePosition {
  message: string;
  /** Dotted path of the field inside the file, when there is one. */
  path?: string;
  severity: "error" | "warning";
}

export const BUILT_IN_GROUPS = ["administrators", "developers", "guests"] as const;
export type BuiltInGroup = (typeof BUILT_IN_GROUPS)[number];

export interface Group {
  id: string;
  name: string;
  description: string;
  /** built-in groups and groups.yaml are read-only through the API. */
  source: "built-in" | "content";
}

export interface SignUpField {
  name: string;
  label: string;
  type: "text" | "email" | "url" | "tel" | "select" | "checkbox";
  required: boolean;
  options?: string[];
  maxLength: number;
}

export interface Portal {
  title: string;
  tagline: string;
  description: string;
  theme: string;
  locale: string;
  /** Public URL of the portal; when unset the service derives it from its port. */
  url?: string;
  /** Public URL of the gateway shown in docs and used by the try-it console. */
  gatewayUrl?: string;
  /** URL of the service when the static portal is hosted on another origin. */
  serviceUrl?: string;
  /** Base URL to which a docs page's path is appended for "edit this page". */
  editUrl?: string;
  keyPrefix: string;
  signUp: {
    enabled: boolean;
    fields: SignUpField[];
  };
  email: {
    from: string;
  };
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret?: string;
    label: string;
    scopes: string[];
  };
  footer?: string;
  file: string;
}

export type PolicySection = "inbound" | "backend" | "outbound" | "on-error";
export const POLICY_SECTIONS: readonly PolicySection[] = ["inbound", "backend", "outbound", "on-error"];

/**
 * One entry of a policy section: either the `base` marker (where the parent
 * scope's policies run) or a named policy with its (already validated)
 * options.
 */
export type PolicyEntry =
  | { kind: "base"; at: SourcePosition }
  | { kind: "policy"; name: string; options: unknown; at: SourcePosition };

export type PolicyDocument = Record<PolicySection, PolicyEntry[]>;

export type PolicyScope = "global" | "product" | "api" | "operation";

export type HttpMethod = "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace";

export interface OperationParameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  description?: string;
  schema?: unknown;
}

export interface Operation {
  /** operationId from the definition, or `<method>-<path>` slug when absent. */
  id: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/drones/{droneId}/missions`. */
  path: string;
  summary: string;
  description: string;
  tags: string[];
  deprecated: boolean;
  parameters: OperationParameter[];
  /**
   * JSON schema of the request body by media type (OpenAPI 3 and Swagger 2
   * alike). Schemas here and in parameters and responses are as written in
   * the bundled definition: any `$ref` in them points into the version's
   * `document`, which is how recursive schemas stay finite.
   */
  requestBody?: { required: boolean; content: Record<string, { schema?: unknown }> };
  /** Examples per status code and media type, for mock-response. */
  responses: Record<string, { description: string; content: Record<string, { schema?: unknown; example?: unknown }> }>;
}

export interface ApiVersion {
  /** '' for an API without versions. */
  id: string;
  backend: string;
  /** The definition file, relative to the API's folder. */
  openapiFile: string;
  /** The definition with external `$ref`s bundled in and internal ones kept (serialisable). */
  document: Record<string, unknown>;
  /** `openapi` 3.x version string, or `2.0` for Swagger. */
  specVersion: string;
  operations: Operation[];
  deprecated: boolean;
}

export interface Api {
  id: string;
  title: string;
  description: string;
  /** Gateway path prefix, starts with `/`, no trailing slash. */
  path: string;
  tags: string[];
  tryIt: boolean;
  subscription: { required: boolean; header: string; query: string };
  versioning: { scheme: "path" | "header" | "query"; name: string; default?: string } | null;
  versions: ApiVersion[];
  /** Groups that may see the API: set explicitly, or the union of its products' groups. */
  visibility: string[];
  /** Whether `visibility` was written in api.yaml rather than derived. */
  visibilityExplicit: boolean;
  /** Ids of the products that include this API. */
  products: string[];
  policies: { api: PolicyDocument; operations: Record<string, PolicyDocument> };
  file: string;
}

export interface Product {
  id: string;
  title: string;
  summary: string;
  state: "published" | "notPublished";
  subscriptionRequired: boolean;
  approvalRequired: boolean;
  /** Per user, counting active and submitted; null = unlimited. */
  subscriptionsLimit: number | null;
  groups: string[];
  apis: string[];
  /** Markdown the subscriber must accept, or null. */
  terms: string | null;
  policies: PolicyDocument;
  order: number;
  /** The markdown body: the product page. */
  body: string;
  file: string;
}

export interface DocPage {
  /** URL slug under /docs, e.g. `getting-started` or `guides/keys`. */
  slug: string;
  title: string;
  description: string;
  order: number;
  groups: string[];
  body: string;
  file: string;
}

export interface Theme {
  id: string;
  name: string;
  dir: string;
  tokens: {
    light: Record<string, string>;
    dark: Record<string, string>;
    fonts: { body: string; heading: string; mono: string };
    radius: string;
  };
  logo?: string;
  favicon?: string;
}

export interface Catalog {
  /** Absolute path of the content folder. */
  dir: string;
  portal: Portal;
  groups: Record<string, Group>;
  apis: Record<string, Api>;
  products: Record<string, Product>;
  globalPolicies: PolicyDocument;
  docs: DocPage[];
  theme: Theme;
  /** Hash of every input file: changes whenever the content does. */
  version: string;
}

export interface LoadResult {
  /** Present when there are no errors (warnings allowed). */
  catalog?: Catalog;
  problems: Problem[];
}
