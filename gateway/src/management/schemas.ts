/**
 * The zod schemas of the management API: they validate requests, type the
 * handlers' answers, and are the OpenAPI document (see openapi.ts), so the
 * three cannot drift apart.
 */
import { z } from "@hono/zod-openapi";
import { ErrorCode } from "../errors.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../accounts/passwords.ts";
import { SUBSCRIPTION_STATES, USER_STATES, ACTOR_KINDS } from "../store/index.ts";

// ---------------------------------------------------------------- errors

export const ErrorSchema = z
  .object({
    statusCode: z.number().int().openapi({ example: 404 }),
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]).openapi({ example: "NOT_FOUND" }),
    message: z.string().openapi({ example: "Product not found." }),
    requestId: z.string().optional().openapi({ example: "01hz3m9x4k2q7v8w" }),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Error", { description: "Every error, from the gateway and the management API alike." });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is invalid (VALIDATION_FAILED with details, or BAD_REQUEST).",
  401: "Not signed in (UNAUTHENTICATED), or wrong credentials.",
  403: "Not allowed (FORBIDDEN, ORIGIN_REFUSED, ACCOUNT_BLOCKED, EMAIL_NOT_VERIFIED).",
  404: "Not found, or not visible to the caller: both answer alike.",
  409: "The resource's state does not allow this.",
  415: "State changes accept only application/json.",
  429: "Throttled; see Retry-After (seconds).",
};

/** The error answers a route documents; every route may also answer 415 and 403 ORIGIN_REFUSED for state changes. */
export function errors(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: ERROR_DESCRIPTIONS[s] ?? "Error", content: { "application/json": { schema: ErrorSchema } } }]),
  );
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function body<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}

export const NoContent = { description: "Done; no body." };

// ---------------------------------------------------------------- fields

const isoDate = z.string().openapi({ format: "date-time", example: "2026-05-01T12:00:00.000Z" });
const nullableDate = isoDate.nullable();

export const Email = z
  .string({ error: "An e-mail address is required." })
  .trim()
  .min(3, "An e-mail address is required.")
  .max(254, "An e-mail address has at most 254 characters.")
  .regex(/^[^\s@]+@[^\s@]+$/, "This is not an e-mail address.")
  .openapi({ example: "ada@example.com" });

export const Password = z
  .string({ error: "A password is required." })
  .min(PASSWORD_MIN_LENGTH, `A password has at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `A password has at most ${PASSWORD_MAX_LENGTH} characters.`)
  .openapi({ example: "correct horse battery staple" });

export const Token = z.string({ error: "A token is required." }).min(1, "A token is required.").max(200, "This token is too long.");

export const Name = z.string().trim().max(200, "A name has at most 200 characters.");

export const IdParam = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" } }) });

// ---------------------------------------------------------------- users

export const MeSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    emailVerified: z.boolean(),
    customFields: z.record(z.string(), z.unknown()),
    groups: z.array(z.string()).openapi({ description: "Every group the caller is in, guests and developers included.", example: ["guests", "developers"] }),
    administrator: z.boolean(),
    hasPassword: z.boolean(),
    oidcLinked: z.boolean(),
    createdAt: isoDate,
    lastSignInAt: nullableDate,
  })
  .openapi("Me");

export const AdminUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    state: z.enum(USER_STATES),
    emailVerified: z.boolean(),
    groups: z.array(z.string()).openapi({ description: "Stored memberships (administrators and custom groups)." }),
    customFields: z.record(z.string(), z.unknown()),
    oidcLinked: z.boolean(),
    createdAt: isoDate,
    lastSignInAt: nullableDate,
  })
  .openapi("User");

export const SessionSchema = z
  .object({
    id: z.string().openapi({ description: "The stored id (a hash of the cookie's token, never the token)." }),
    current: z.boolean(),
    createdAt: isoDate,
    lastSeenAt: isoDate,
    expiresAt: isoDate,
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .openapi("Session");

// ---------------------------------------------------------------- catalog

export const PortalSchema = z
  .object({
    title: z.string(),
    tagline: z.string(),
    locale: z.string(),
    keyPrefix: z.string(),
    gatewayUrl: z.string(),
    signUp: z.object({
      enabled: z.boolean(),
      fields: z.array(
        z.object({
          name: z.string(),
          label: z.string(),
          type: z.enum(["text", "email", "url", "tel", "select", "checkbox"]),
          required: z.boolean(),
          options: z.array(z.string()).optional(),
          maxLength: z.number().int(),
        }),
      ),
    }),
    oidc: z.object({ label: z.string(), startUrl: z.string() }).nullable(),
    password: z.object({ minLength: z.number().int(), maxLength: z.number().int() }),
  })
  .openapi("Portal");

export const ProductSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    state: z.enum(["published", "notPublished"]),
    subscriptionRequired: z.boolean(),
    approvalRequired: z.boolean(),
    subscriptionsLimit: z.number().int().nullable(),
    hasTerms: z.boolean(),
    apis: z.array(z.string()).openapi({ description: "Ids of the product's APIs that the caller may see." }),
    order: z.number(),
    groups: z.array(z.string()).optional().openapi({ description: "Who may see it; shown to administrators only." }),
  })
  .openapi("Product");

export const ProductDetailSchema = ProductSchema.extend({
  body: z.string().openapi({ description: "The product page, in markdown." }),
  terms: z.string().nullable(),
}).openapi("ProductDetail");

const ApiVersionSchema = z.object({ id: z.string(), deprecated: z.boolean() });

export const ApiSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    path: z.string(),
    tags: z.array(z.string()),
    tryIt: z.boolean(),
    subscriptionRequired: z.boolean(),
    keyHeader: z.string(),
    keyQuery: z.string(),
    versions: z.array(ApiVersionSchema),
    products: z.array(z.string()).openapi({ description: "Ids of the products including it that the caller may see." }),
  })
  .openapi("Api");

export const ApiDetailSchema = ApiSchema.extend({
  gatewayUrl: z.string(),
  versions: z.array(
    ApiVersionSchema.extend({
      operations: z.array(z.object({ id: z.string(), method: z.string(), path: z.string(), summary: z.string(), deprecated: z.boolean() })),
    }),
  ),
}).openapi("ApiDetail");

// ---------------------------------------------------------------- subscriptions

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    productId: z.string(),
    productTitle: z.string(),
    state: z.enum(SUBSCRIPTION_STATES),
    stateComment: z.string().nullable().openapi({ description: "Why the state last changed: a rejection reason, a suspension note." }),
    createdAt: isoDate,
    updatedAt: isoDate,
    activatedAt: nullableDate,
    cancelledAt: nullableDate,
    expiresAt: nullableDate,
    termsAcceptedAt: nullableDate,
    primaryKeyStart: z.string().openapi({ description: "The first characters of the primary key, for recognising it.", example: "dfly_4Jc" }),
    secondaryKeyStart: z.string(),
  })
  .openapi("Subscription");

export const AdminSubscriptionSchema = SubscriptionSchema.extend({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
}).openapi("AdminSubscription");

export const KeysSchema = z
  .object({ primaryKey: z.string().openapi({ example: "dfly_4JcR8x…" }), secondaryKey: z.string() })
  .openapi("SubscriptionKeys");

export const SubscriptionStateParam = z.enum(SUBSCRIPTION_STATES);

// ---------------------------------------------------------------- groups, audit

export const GroupSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    source: z.enum(["built-in", "content", "api"]).openapi({ description: "Built-in and content groups are read-only here." }),
    memberCount: z.number().int().nullable().openapi({ description: "Null for developers and guests, which everyone (signed in) is in." }),
  })
  .openapi("Group");

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: isoDate,
    actorKind: z.enum(ACTOR_KINDS),
    actorId: z.string().nullable(),
    action: z.string(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEntry");

// ---------------------------------------------------------------- usage

export const UsageTotalsSchema = z
  .object({
    calls: z.number().int(),
    success: z.number().int(),
    blocked: z.number().int().openapi({ description: "Refused by the gateway: missing or invalid key, limits, policies." }),
    failed: z.number().int().openapi({ description: "5xx answers and backend failures." }),
    clientErrors: z.number().int().openapi({ description: "Other 4xx answers." }),
    bytesIn: z.number().int(),
    bytesOut: z.number().int(),
    avgLatencyMs: z.number().nullable(),
    avgBackendLatencyMs: z.number().nullable(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    maxLatencyMs: z.number().nullable(),
  })
  .openapi("UsageTotals");

export const UsagePointSchema = UsageTotalsSchema.extend({ start: isoDate }).openapi("UsagePoint");
