/**
 * The database schema: every table Portico keeps, for drizzle-orm over libSQL.
 *
 * Conventions, so that every table reads the same:
 * - SQL names are snake_case, TypeScript names camelCase.
 * - Times are integer epoch milliseconds (`timestamp_ms`), surfaced as `Date`.
 *   The one exception is `usage_minutes.minute`, an integer count of epoch
 *   minutes, because it is a bucket key rather than an instant.
 * - Enumerated columns carry a CHECK constraint as well as a TypeScript union,
 *   so a bad value written by hand (or by a future bug) fails loudly.
 * - Secrets never appear here in the clear: session ids and one-time token ids
 *   are SHA-256 of the token, subscription keys are an HMAC for lookup plus an
 *   AES-GCM copy for the owner's "show key".
 *
 * This file must stay self-contained (no local imports): drizzle-kit loads it
 * on its own to generate migrations.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const USER_STATES = ["active", "blocked", "invited"] as const;
export type UserState = (typeof USER_STATES)[number];

export const TOKEN_KINDS = ["verify", "reset", "invite", "email-change", "oidc-state"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const SUBSCRIPTION_STATES = ["submitted", "active", "rejected", "suspended", "cancelled", "expired"] as const;
export type SubscriptionState = (typeof SUBSCRIPTION_STATES)[number];

export const ACTOR_KINDS = ["user", "admin", "system", "cli"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export { LATENCY_BUCKETS_MS } from "../usage/aggregate.ts";

/** `'a', 'b'` for a CHECK constraint over a fixed list of strings. */
function sqlList(values: readonly string[]) {
  return sql.raw(values.map((v) => `'${v}'`).join(", "));
}

const timestamp = (name: string) => integer(name, { mode: "timestamp_ms" });

export const users = sqliteTable(
  "users",
  {
    /** Random and url-safe (lower-case base32), never reused. */
    id: text("id").primaryKey(),
    /** Lower-cased on the way in; the CHECK keeps it so. */
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    /** argon2id PHC string; null for OIDC-only accounts and pending invitations. */
    passwordHash: text("password_hash"),
    emailVerifiedAt: timestamp("email_verified_at"),
    state: text("state", { enum: USER_STATES }).notNull().default("active"),
    /** Values of the portal's custom sign-up fields, by field name. */
    customFields: text("custom_fields", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** Issuer and subject of a linked OpenID Connect identity. */
    oidcIssuer: text("oidc_issuer"),
    oidcSubject: text("oidc_subject"),
    lastSignInAt: timestamp("last_sign_in_at"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    /**
     * Set when the account is deleted. The row stays, anonymised, so that
     * usage and audit entries keep pointing at one (nameless) account.
     */
    deletedAt: timestamp("deleted_at"),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(t.email),
    uniqueIndex("users_oidc_unique").on(t.oidcIssuer, t.oidcSubject),
    index("users_state_idx").on(t.state),
    index("users_created_idx").on(t.createdAt),
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
    check("users_state_check", sql`${t.state} in (${sqlList(USER_STATES)})`),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** Hex SHA-256 of the session token; the token itself lives only in the cookie. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at").notNull(),
    createdAt: timestamp("created_at").notNull(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const oneTimeTokens = sqliteTable(
  "one_time_tokens",
  {
    /** Hex SHA-256 of the token sent by e-mail or kept in the OIDC state cookie. */
    id: text("id").primaryKey(),
    kind: text("kind", { enum: TOKEN_KINDS }).notNull(),
    /** The account the token acts on, when there is one yet. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    /** The address the token was sent to (an invitee, or a new address being confirmed). */
    email: text("email"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
    usedAt: timestamp("used_at"),
  },
  (t) => [
    index("one_time_tokens_user_idx").on(t.kind, t.userId),
    index("one_time_tokens_email_idx").on(t.kind, t.email),
    index("one_time_tokens_expires_idx").on(t.expiresAt),
    check("one_time_tokens_kind_check", sql`${t.kind} in (${sqlList(TOKEN_KINDS)})`),
  ],
);

/** Custom groups created through the management API (groups.yaml ones live in content). */
export const groups = sqliteTable("groups", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  createdAt: timestamp("created_at").notNull(),
});

export const groupMembers = sqliteTable(
  "group_members",
  {
    /**
     * No foreign key: the id may name a built-in group (`administrators`) or a
     * group from groups.yaml, which exist only in content.
     */
    groupId: text("group_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    addedAt: timestamp("added_at").notNull(),
    /** Who added the member: a user id, or null for the system and the CLI. */
    addedBy: text("added_by"),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index("group_members_user_idx").on(t.userId)],
);

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    /** Null for subscriptions an administrator creates without an owner. */
    userId: text("user_id").references(() => users.id),
    productId: text("product_id").notNull(),
    name: text("name").notNull(),
    state: text("state", { enum: SUBSCRIPTION_STATES }).notNull(),
    /** Why the state last changed (a rejection reason, a suspension note). */
    stateComment: text("state_comment"),
    termsAcceptedAt: timestamp("terms_accepted_at"),
    createdAt: timestamp("created_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
    activatedAt: timestamp("activated_at"),
    cancelledAt: timestamp("cancelled_at"),
    /** When set, the subscription becomes `expired` at this time. */
    expiresAt: timestamp("expires_at"),
    primaryKeyHash: text("primary_key_hash").notNull(),
    primaryKeyEnc: text("primary_key_enc").notNull(),
    primaryKeyStart: text("primary_key_start").notNull(),
    secondaryKeyHash: text("secondary_key_hash").notNull(),
    secondaryKeyEnc: text("secondary_key_enc").notNull(),
    secondaryKeyStart: text("secondary_key_start").notNull(),
  },
  (t) => [
    uniqueIndex("subscriptions_primary_key_hash_unique").on(t.primaryKeyHash),
    uniqueIndex("subscriptions_secondary_key_hash_unique").on(t.secondaryKeyHash),
    index("subscriptions_user_product_idx").on(t.userId, t.productId, t.state),
    index("subscriptions_product_state_idx").on(t.productId, t.state),
    index("subscriptions_state_idx").on(t.state, t.createdAt),
    check("subscriptions_state_check", sql`${t.state} in (${sqlList(SUBSCRIPTION_STATES)})`),
  ],
);

const counter = (name: string) => integer(name).notNull().default(0);

export const usageMinutes = sqliteTable(
  "usage_minutes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Epoch minutes (UTC): floor(ms / 60000). */
    minute: integer("minute").notNull(),
    /** '' for anonymous calls (open products), so the unique index covers them. */
    subscriptionId: text("subscription_id").notNull().default(""),
    /** '' when the call had no subscription owner. */
    userId: text("user_id").notNull().default(""),
    productId: text("product_id").notNull().default(""),
    apiId: text("api_id").notNull(),
    /** '' when no operation matched. */
    operationId: text("operation_id").notNull().default(""),
    calls: counter("calls"),
    success: counter("success"),
    /** Refused by the gateway itself: 401/403/429 and policy rejections. */
    blocked: counter("blocked"),
    /** 5xx answers and backend errors (unreachable, timeout). */
    failed: counter("failed"),
    /** Other 4xx answers. */
    clientErrors: counter("client_errors"),
    bytesIn: counter("bytes_in"),
    bytesOut: counter("bytes_out"),
    // Real, not integer: gateway latencies are often below a millisecond, and
    // rounding each call would make the averages meaningless.
    latencyTotalMs: real("latency_total_ms").notNull().default(0),
    latencyMaxMs: real("latency_max_ms").notNull().default(0),
    backendLatencyTotalMs: real("backend_latency_total_ms").notNull().default(0),
    // The latency histogram: one counter per LATENCY_BUCKETS_MS bucket.
    // Separate integer columns rather than a JSON array, so an upsert adds a
    // batch to the stored row in plain SQL (`h_le_1 = h_le_1 + excluded.h_le_1`)
    // and range queries `sum()` them without decoding JSON per row.
    hLe1: counter("h_le_1"),
    hLe2: counter("h_le_2"),
    hLe5: counter("h_le_5"),
    hLe10: counter("h_le_10"),
    hLe25: counter("h_le_25"),
    hLe50: counter("h_le_50"),
    hLe100: counter("h_le_100"),
    hLe250: counter("h_le_250"),
    hLe500: counter("h_le_500"),
    hLe1000: counter("h_le_1000"),
    hLe2500: counter("h_le_2500"),
    hLe5000: counter("h_le_5000"),
    hInf: counter("h_inf"),
  },
  (t) => [
    uniqueIndex("usage_minutes_key_unique").on(t.minute, t.subscriptionId, t.apiId, t.operationId),
    index("usage_minutes_subscription_idx").on(t.subscriptionId, t.minute),
    index("usage_minutes_user_idx").on(t.userId, t.minute),
    index("usage_minutes_product_idx").on(t.productId, t.minute),
    index("usage_minutes_api_idx").on(t.apiId, t.operationId, t.minute),
  ],
);

/**
 * Usage batches already added, by the id their sender gave them: a gateway
 * node that retries a batch after a timeout (the first attempt may have
 * landed) cannot count its calls twice. Rows older than a day are pruned.
 */
export const usageBatches = sqliteTable("usage_batches", {
  id: text("id").primaryKey(),
  receivedAt: timestamp("received_at").notNull(),
});

export const auditLog = sqliteTable(
  "audit_log",
  {
    /** Monotonic: gives a stable order and a cursor for paging. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: timestamp("at").notNull(),
    /** The acting user's id; null for the system and the CLI. */
    actorId: text("actor_id"),
    actorKind: text("actor_kind", { enum: ACTOR_KINDS }).notNull(),
    /** Dotted verb, e.g. `subscription.approve`, `user.block`. */
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at),
    index("audit_log_actor_idx").on(t.actorId, t.id),
    index("audit_log_target_idx").on(t.targetType, t.targetId, t.id),
    index("audit_log_action_idx").on(t.action, t.id),
    check("audit_log_actor_kind_check", sql`${t.actorKind} in (${sqlList(ACTOR_KINDS)})`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type OneTimeTokenRow = typeof oneTimeTokens.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type GroupMemberRow = typeof groupMembers.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type UsageMinuteRow = typeof usageMinutes.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
