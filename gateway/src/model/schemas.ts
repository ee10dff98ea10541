/**
 * The schema of every content file. Each is a strict object (an unknown key
 * is an error: typos must not pass silently), fields carry the defaults the
 * README documents, and messages are written for publishers: custom messages
 * are predicates ("must …") that `friendly.ts` puts after the field's path.
 *
 * The input and output types differ (defaults fill the output), so callers
 * use `z.input` for what a publisher writes and `z.output` for what the
 * loader builds from.
 */
import { z } from "zod";
import { BUILT_IN_GROUPS } from "./catalog.ts";
import type { IssueParams } from "./friendly.ts";
import { closest } from "./problems.ts";

// --- shared pieces ---------------------------------------------------------

/** Ids of APIs, products, groups, themes and docs path segments: they end up in URLs. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const ID_RULE = "must be lowercase letters, digits and '-', starting with a letter or digit (e.g. weather-api)";

/** @example "weather-api" */
export const idSchema = z.string().regex(ID_PATTERN, { error: ID_RULE });

function issue(ctx: z.RefinementCtx, path: PropertyKey[], message: string, params: IssueParams = {}): void {
  ctx.addIssue({ code: "custom", path, message, params });
}

/** An absolute http(s) URL. @example "https://api.example.com" */
export const httpUrlSchema = z.string().refine(
  (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
  { error: "must be an absolute http:// or https:// URL (e.g. https://api.example.com)" },
);

/**
 * A file named relative to the folder of the file that names it (an API's
 * folder, a theme's folder). `..` is refused so that everything a portal is
 * built from lives inside the content and theme folders.
 */
function relativeFileSchema(extensions: readonly string[]) {
  return z.string().superRefine((value, ctx) => {
    if (value.startsWith("/") || /^[A-Za-z]:[\\/]/.test(value) || value.includes("\\")) {
      issue(ctx, [], `must be a path relative to this folder with '/' separators, not ${JSON.stringify(value)}`);
    } else if (value.split("/").some((segment) => segment === ".." || segment === "")) {
      issue(ctx, [], `must name a file inside this folder (no '..' or empty segments), not ${JSON.stringify(value)}`);
    } else if (!extensions.some((extension) => value.toLowerCase().endsWith(extension))) {
      issue(ctx, [], `must be a ${extensions.join(", ")} file, not ${JSON.stringify(value)}`);
    }
  });
}

/** RFC 9110 token: what an HTTP header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** @example "Ocp-Apim-Subscription-Key" */
const headerNameSchema = z.string().regex(HEADER_NAME, { error: "must be an HTTP header name (letters, digits and '-', e.g. X-Api-Version)" });
/** @example "subscription-key" */
const queryNameSchema = z.string().regex(/^[A-Za-z0-9._~-]+$/, {
  error: "must be a query parameter name of letters, digits and - . _ ~ (e.g. api-version)",
});

/** A list without repeated entries; the repeat is reported where it is. */
function uniqueList<T extends z.ZodType>(item: T, what: string) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Set<unknown>();
    list.forEach((value, index) => {
      if (seen.has(value)) issue(ctx, [index], `repeats ${what} ${JSON.stringify(value)}: remove it`);
      seen.add(value);
    });
  });
}

// --- policies --------------------------------------------------------------

/**
 * One entry of a policy section, before its policy's own options schema has
 * looked at it: `base`, or a map with exactly one key, the policy's name.
 *
 * @example "base"
 * @example { "rate-limit": { calls: 10, renewalPeriod: 10 } }
 */
export const policyEntryInputSchema = z.unknown().superRefine((entry, ctx) => {
  const example = "e.g. '- rate-limit: { calls: 10, renewalPeriod: 10 }'";
  if (entry === "base") return;
  if (typeof entry === "string") {
    const hint =
      closest(entry, ["base"]) !== undefined
        ? " (did you mean 'base'?)"
        : `; a policy without options is written '- ${entry}: {}'`;
    issue(ctx, [], `must be 'base' or one policy as a map, ${example}, not ${JSON.stringify(entry)}${hint}`);
    return;
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    issue(ctx, [], `must be 'base' or one policy as a map, ${example}`);
    return;
  }
  const names = Object.keys(entry);
  if (names.length !== 1) {
    issue(
      ctx,
      [],
      names.length === 0
        ? `names no policy: write one policy per entry, ${example}`
        : `names ${names.length} policies (${names.join(", ")}): write each policy as its own list entry ('- ${names[0]}: …', '- ${names[1]}: …')`,
    );
    return;
  }
  const options = (entry as Record<string, unknown>)[names[0]!];
  if (options !== null && (typeof options !== "object" || Array.isArray(options))) {
    issue(ctx, [names[0]!], `must be a map of the policy's options (or {} for none), ${example}`);
  }
});

/**
 * A section's entries in order. That `base` appears at most once, and that
 * each policy exists and has valid options, is checked when the document is
 * resolved against the policy registry (`policies.ts`).
 */
export const policySectionSchema = z.array(policyEntryInputSchema);

/**
 * Policies of one scope. `base` marks where the parent scope's policies run
 * (when a section has no `base`, they run first).
 *
 * @example
 * inbound:
 *   - base
 *   - rate-limit: { calls: 10, renewalPeriod: 10 }
 */
export const policyDocumentSchema = z.strictObject({
  /** Before the call is forwarded: authentication, limits, request changes. */
  inbound: policySectionSchema.default([]),
  /** Around forwarding: retries, timeouts, backend selection. */
  backend: policySectionSchema.default([]),
  /** On the backend's answer, before it is returned. */
  outbound: policySectionSchema.default([]),
  /** When any step fails. */
  "on-error": policySectionSchema.default([]),
});

/** `apis/<id>/policies.yaml`: the API's scope, plus operation scopes by operationId. */
export const apiPoliciesSchema = z.strictObject({
  ...policyDocumentSchema.shape,
  /**
   * Operation scopes by operationId (as in the OpenAPI definition, or the
   * derived `<method>-<path>` id when the definition has none).
   *
   * @example { getForecast: { inbound: ["base", { "cache-lookup": { duration: 60 } }] } }
   */
  operations: z.record(z.string().min(1), policyDocumentSchema).default({}),
});

// --- portal.yaml -----------------------------------------------------------

/** An extra field on the sign-up form. */
export const signUpFieldSchema = z
  .strictObject({
    /** Stored under this name. @example "company" */
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, { error: "must be a letter followed by letters, digits or '_' (e.g. company)" }),
    /** Shown next to the input. @example "Company" */
    label: z.string().min(1),
    type: z.enum(["text", "email", "url", "tel", "select", "checkbox"]).default("text"),
    required: z.boolean().default(false),
    /** The choices of a `select` field. @example ["Logistics", "Retail"] */
    options: z.array(z.string().min(1)).min(1).optional(),
    maxLength: z.number().int().min(1).max(10_000).default(200),
  })
  .superRefine((field, ctx) => {
    if (field.type === "select" && field.options === undefined) {
      issue(ctx, [], "missing required key 'options': a select field needs its choices, e.g. 'options: [Logistics, Retail]'", { at: "container" });
    }
    if (field.type !== "select" && field.options !== undefined) {
      issue(ctx, ["options"], "is only used by fields with type: select");
    }
  });

/** Names the sign-up form always has; an extra field may not reuse them. */
const RESERVED_FIELDS = new Set(["email", "password"]);

/**
 * `portal.yaml`: the portal's settings.
 *
 * @example
 * title: DroneFly Developers
 * theme: default
 * keyPrefix: dfly
 */
export const portalSchema = z.strictObject({
  /** The portal's name, in the header and the browser tab. @example "DroneFly Developers" */
  title: z.string().min(1).meta({ examples: ["DroneFly Developers"] }),
  /** One line under the title. */
  tagline: z.string().default(""),
  /** Longer text for the home page and meta tags. */
  description: z.string().default(""),
  /** A folder under `themes/`. */
  theme: idSchema.default("default"),
  /** Interface language. */
  locale: z.enum(["en", "de"]).default("en"),
  /** Public portal URL; when unset the service derives it from its port. */
  url: httpUrlSchema.optional(),
  /** Gateway URL shown in docs and used by try-it. */
  gatewayUrl: httpUrlSchema.optional(),
  /** Only when the static portal is hosted on another origin than the service. */
  serviceUrl: httpUrlSchema.optional(),
  /** Base URL that a docs page's path is appended to for "edit this page". */
  editUrl: httpUrlSchema.optional(),
  /** Subscription keys look like `<keyPrefix>_4Jc…`. @example "dfly" */
  keyPrefix: z
    .string()
    .regex(/^[a-z0-9]{1,16}$/, { error: "must be 1 to 16 lowercase letters or digits (e.g. dfly)" })
    .default("portico"),
  signUp: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Extra fields on the sign-up form. */
      fields: z.array(signUpFieldSchema).default([]),
    })
    .superRefine((signUp, ctx) => {
      const seen = new Set<string>();
      signUp.fields.forEach((field, index) => {
        if (RESERVED_FIELDS.has(field.name)) {
          issue(ctx, ["fields", index, "name"], `must not be '${field.name}', which the sign-up form always has: choose another name`);
        } else if (seen.has(field.name)) {
          issue(ctx, ["fields", index, "name"], `repeats '${field.name}', the name of another field: field names must be unique`);
        }
        seen.add(field.name);
      });
    })
    .prefault({}),
  email: z
    .strictObject({
      /** Sender of verification, reset and approval mails. @example "DroneFly Developers <developers@dronefly.example>" */
      from: z.string().regex(/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/, {
        error: "must be an e-mail address, optionally with a name: \"Name <address@example.com>\"",
      }),
    })
    .optional(),
  /** Optional "Sign in with …" through an OpenID Connect provider. */
  oidc: z
    .strictObject({
      issuer: httpUrlSchema.meta({ examples: ["https://login.example.com"] }),
      clientId: z.string().min(1).meta({ examples: ["portal"] }),
      /** Usually `${OIDC_CLIENT_SECRET}`; omitted for public clients using PKCE. */
      clientSecret: z.string().min(1).optional(),
      label: z.string().min(1).default("Sign in with single sign-on"),
      scopes: z
        .array(z.string().min(1))
        .default(["openid", "email", "profile"])
        .refine((scopes) => scopes.includes("openid"), { error: "must include 'openid'" }),
    })
    .optional(),
  footer: z.string().optional(),
});

// --- groups.yaml -----------------------------------------------------------

/**
 * `groups.yaml`: custom groups by id. The built-in groups cannot be
 * redefined.
 *
 * @example
 * partners:
 *   name: Fleet partners
 *   description: Logistics companies with a signed partner agreement.
 */
export const groupsSchema = z.record(
  // Checked on the key, so that it is reported even when a group's fields are wrong too.
  idSchema.refine((id) => !(BUILT_IN_GROUPS as readonly string[]).includes(id), {
    error: "is a built-in group and cannot be redefined: choose another id",
  }),
  z.strictObject({
    name: z.string().min(1).meta({ examples: ["Fleet partners"] }),
    description: z.string().default(""),
  }),
);

// --- api.yaml --------------------------------------------------------------

/**
 * The gateway path prefix: `/` then URL-safe segments, no trailing `/`.
 * @example "/weather"
 */
export const apiPathSchema = z.string().superRefine((path, ctx) => {
  const fail = (message: string) => issue(ctx, [], message);
  if (!path.startsWith("/")) return fail(`must start with '/' (e.g. /${path.replace(/^\/+|\/+$/g, "") || "weather"})`);
  if (path === "/") return fail("must name at least one segment (e.g. /weather): an API at '/' would take every call");
  if (path.endsWith("/")) return fail(`must not end with '/' (write ${path.replace(/\/+$/, "")})`);
  const segments = path.slice(1).split("/");
  if (segments.includes("")) return fail("must not contain empty segments ('//')");
  if (segments.some((s) => s === "." || s === "..")) return fail("must not contain '.' or '..' segments");
  const bad = segments.find((s) => !/^[A-Za-z0-9._~-]+$/.test(s));
  if (bad !== undefined) return fail(`must have segments of letters, digits and - . _ ~ only ('${bad}' has others)`);
});

/** @example "v1" */
export const versionIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  error: "must be letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. v1, 2024-06-01)",
});

export const apiVersionSchema = z.strictObject({
  id: versionIdSchema.meta({ examples: ["v1"] }),
  /** Default: the API's `openapi`. */
  openapi: relativeFileSchema([".yaml", ".yml", ".json"]).optional(),
  /** Default: the API's `backend`. */
  backend: httpUrlSchema.optional(),
  deprecated: z.boolean().default(false),
});

export const versioningSchema = z
  .strictObject({
    /** `path`: `/weather/v1/…`; `header` and `query`: the version is named by `name`. */
    scheme: z.enum(["path", "header", "query"]),
    /** The header or query parameter (header and query schemes). @example "api-version" */
    name: z.string().min(1).optional(),
    /** Used when a header- or query-versioned call names none. */
    default: versionIdSchema.optional(),
    list: z.array(apiVersionSchema).min(1),
  })
  .superRefine((versions, ctx) => {
    if (versions.scheme === "path" && versions.name !== undefined) {
      issue(ctx, ["name"], "is only used with scheme: header or scheme: query; remove it");
    }
    if (versions.scheme !== "path") {
      if (versions.name === undefined) {
        issue(
          ctx,
          [],
          `missing required key 'name': the ${versions.scheme === "header" ? "header" : "query parameter"} that names the version, e.g. 'name: api-version'`,
          { at: "container" },
        );
      } else {
        const schema = versions.scheme === "header" ? headerNameSchema : queryNameSchema;
        const parsed = schema.safeParse(versions.name);
        if (!parsed.success) issue(ctx, ["name"], parsed.error.issues[0]!.message);
      }
    }
    const ids = new Map<string, number>();
    versions.list.forEach((version, index) => {
      const first = ids.get(version.id);
      if (first !== undefined) {
        issue(ctx, ["list", index, "id"], `repeats '${version.id}', the id of versions.list[${first}]: version ids must be unique`);
      } else {
        ids.set(version.id, index);
      }
    });
    if (versions.default !== undefined && !ids.has(versions.default)) {
      issue(ctx, ["default"], `must be the id of a version in versions.list (${[...ids.keys()].join(", ")}), not '${versions.default}'`);
    }
  });

/**
 * `apis/<id>/api.yaml`: how the gateway exposes one API.
 *
 * @example
 * title: DroneFly Weather API
 * path: /weather
 * backend: http://localhost:${PORTICO_DEMO_PORT:-8090}/weather
 */
export const apiSchema = z
  .strictObject({
    /** Default: the definition's `info.title`. */
    title: z.string().min(1).optional(),
    /** Default: the definition's `info.description`. */
    description: z.string().optional(),
    /** URL prefix at the gateway. @example "/weather" */
    path: apiPathSchema.meta({ examples: ["/weather"] }),
    /** Where calls are forwarded. @example "http://localhost:${PORTICO_DEMO_PORT:-8090}/weather" */
    backend: httpUrlSchema.optional(),
    /** The definition, relative to the API's folder. */
    openapi: relativeFileSchema([".yaml", ".yml", ".json"]).default("openapi.yaml"),
    tags: uniqueList(z.string().min(1), "tag").default([]),
    /** Whether the portal offers the try-it console for this API. */
    tryIt: z.boolean().default(true),
    /** Groups that may see the API; default: the union of the groups of its published products. */
    visibility: uniqueList(idSchema, "group").min(1).optional(),
    subscription: z
      .strictObject({
        /** false: callable without a key (a key sent anyway is still checked). */
        required: z.boolean().default(true),
        header: headerNameSchema.default("Ocp-Apim-Subscription-Key"),
        query: queryNameSchema.default("subscription-key"),
      })
      .prefault({}),
    versions: versioningSchema.optional(),
  })
  .superRefine((api, ctx) => {
    if (api.backend !== undefined) return;
    if (api.versions === undefined) {
      issue(ctx, [], "missing required key 'backend': the URL calls are forwarded to, e.g. 'backend: https://weather.internal.example.com'", {
        at: "container",
      });
      return;
    }
    api.versions.list.forEach((version, index) => {
      if (version.backend === undefined) {
        issue(ctx, ["versions", "list", index], "has no backend: set backend here or at the top of api.yaml", {
          at: "container",
        });
      }
    });
  });

// --- products/<id>.md ------------------------------------------------------

/**
 * A product's frontmatter; the markdown body is the product page.
 *
 * @example
 * title: Basic
 * state: published
 * groups: [guests]
 * apis: [status, weather]
 */
export const productSchema = z
  .strictObject({
    title: z.string().min(1).meta({ examples: ["Basic"] }),
    /** One line for product lists. */
    summary: z.string().default(""),
    /** Only published products are shown to developers; new products start hidden. */
    state: z.enum(["published", "notPublished"]).default("notPublished"),
    /** false: an open product, callable without a key. */
    subscriptionRequired: z.boolean().default(true),
    /** true: an administrator approves each subscription. */
    approvalRequired: z.boolean().default(false),
    /** Per user, counting active and submitted subscriptions; omit (or null) for no limit. */
    subscriptionsLimit: z.number().int().min(1).nullable().default(null),
    /** Who can see it and subscribe; `guests` is everyone. Default: administrators only. */
    groups: uniqueList(idSchema, "group").default(["administrators"]),
    /** Ids of the APIs (folders under apis/) the product gives access to. */
    apis: uniqueList(idSchema, "API").default([]),
    /** Position in lists, lowest first. */
    order: z.number().default(Number.MAX_SAFE_INTEGER),
    /** Markdown a subscriber must accept. */
    terms: z.string().min(1).nullable().default(null),
    /** Product-scope policies, e.g. quota and rate-limit. */
    policies: policyDocumentSchema.optional(),
  })
  .superRefine((product, ctx) => {
    if (product.subscriptionRequired) return;
    if (product.approvalRequired) {
      issue(ctx, ["approvalRequired"], "must be false in an open product (subscriptionRequired: false): it has no subscriptions to approve");
    }
    if (product.subscriptionsLimit !== null) {
      issue(ctx, ["subscriptionsLimit"], "is not used by an open product (subscriptionRequired: false): remove it");
    }
    if (product.terms !== null) {
      issue(ctx, ["terms"], "are never shown for an open product (subscriptionRequired: false): nobody subscribes to accept them");
    }
  });

// --- docs/**/*.md ----------------------------------------------------------

/**
 * A docs page's frontmatter.
 *
 * @example
 * title: Getting started
 * order: 1
 */
export const docSchema = z.strictObject({
  title: z.string().min(1).meta({ examples: ["Getting started"] }),
  description: z.string().default(""),
  /** Position in the sidebar, lowest first; pages without one come after, by title. */
  order: z.number().default(Number.MAX_SAFE_INTEGER),
  /** Who can read it. */
  groups: uniqueList(idSchema, "group").min(1).default(["guests"]),
});

// --- themes/<name>/theme.yaml ----------------------------------------------

/** A CSS value in a design token: no `;`, braces or angle brackets, so it cannot end its declaration. */
const cssValueSchema = z.string().regex(/^[^;{}<>]+$/, { error: "must be a CSS value without ; { } < >" });

const colorTokensSchema = z
  .object({
    background: cssValueSchema,
    text: cssValueSchema,
    accent: cssValueSchema,
  })
  .catchall(cssValueSchema)
  .superRefine((tokens, ctx) => {
    for (const name of Object.keys(tokens)) {
      if (!/^[a-z][a-zA-Z0-9-]*$/.test(name)) {
        issue(ctx, [name], "is not a token name: use letters, digits and '-', starting with a lowercase letter", { at: "key" });
      }
    }
  });

/**
 * `themes/<name>/theme.yaml`: design tokens. `light` and `dark` map token
 * names to CSS colours; `background`, `text` and `accent` are required and
 * further tokens are passed to the theme as they are.
 *
 * @example
 * name: Default
 * light: { background: "#ffffff", text: "#1b1f24", accent: "#2454d6" }
 * dark: { background: "#0f1216", text: "#e6e9ee", accent: "#7aa2ff" }
 */
export const themeSchema = z.strictObject({
  /** Display name; default: the folder name. */
  name: z.string().min(1).optional(),
  logo: relativeFileSchema([".svg", ".png", ".webp", ".jpg", ".jpeg", ".gif", ".avif"]).optional(),
  favicon: relativeFileSchema([".svg", ".png", ".ico"]).optional(),
  radius: cssValueSchema.default("8px"),
  fonts: z
    .strictObject({
      body: cssValueSchema.default("system-ui, sans-serif"),
      heading: cssValueSchema.default("system-ui, sans-serif"),
      mono: cssValueSchema.default("ui-monospace, monospace"),
    })
    .prefault({}),
  light: colorTokensSchema,
  dark: colorTokensSchema,
});
