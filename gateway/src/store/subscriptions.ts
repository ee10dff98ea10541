/**
 * Subscriptions and their keys.
 *
 * States follow APIM: `submitted` → `active` | `rejected`; `active` →
 * `suspended` | `cancelled` | `expired`. Two more edges that APIM also has:
 * an administrator can reactivate a `suspended` subscription (or cancel it),
 * and an owner can withdraw a `submitted` request (`cancelled`). Every change
 * of state is one guarded UPDATE whose WHERE names the states it may leave,
 * so two administrators approving and rejecting at once cannot both win.
 *
 * Keys are never stored in the clear (see key-crypto.ts). Functions that
 * create or regenerate a key return its plaintext once, for the owner.
 */
import { and, asc, count, desc, eq, gt, inArray, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { decryptKey, newKey, type NewKey } from "./key-crypto.ts";
import { newId } from "./ids.ts";
import { clampLimit, fail, withTransaction, type Failure, type StoreHandle } from "./outcome.ts";
import { subscriptions, type SubscriptionRow, type SubscriptionState } from "./schema.ts";
import type { Secrets } from "./secrets.ts";

/** A subscription as the application sees it: no key material beyond the display starts. */
export type Subscription = Omit<SubscriptionRow, "primaryKeyHash" | "primaryKeyEnc" | "secondaryKeyHash" | "secondaryKeyEnc">;

export type KeySlot = "primary" | "secondary";

/** Which states each state may move to. */
export const SUBSCRIPTION_TRANSITIONS: Readonly<Record<SubscriptionState, readonly SubscriptionState[]>> = {
  submitted: ["active", "rejected", "cancelled"],
  active: ["suspended", "cancelled", "expired"],
  suspended: ["active", "cancelled"],
  rejected: [],
  cancelled: [],
  expired: [],
};

/** States that count against a product's per-user `subscriptionsLimit`. */
export const OPEN_STATES: readonly SubscriptionState[] = ["submitted", "active"];

export function canTransition(from: SubscriptionState, to: SubscriptionState): boolean {
  return SUBSCRIPTION_TRANSITIONS[from].includes(to);
}

/** The states from which `to` may be reached. */
function sourcesOf(to: SubscriptionState): SubscriptionState[] {
  return (Object.keys(SUBSCRIPTION_TRANSITIONS) as SubscriptionState[]).filter((from) => canTransition(from, to));
}

/** Columns selected for a `Subscription`: everything but hashes and ciphertexts. */
const publicColumns = {
  id: subscriptions.id,
  userId: subscriptions.userId,
  productId: subscriptions.productId,
  name: subscriptions.name,
  state: subscriptions.state,
  stateComment: subscriptions.stateComment,
  termsAcceptedAt: subscriptions.termsAcceptedAt,
  createdAt: subscriptions.createdAt,
  updatedAt: subscriptions.updatedAt,
  activatedAt: subscriptions.activatedAt,
  cancelledAt: subscriptions.cancelledAt,
  expiresAt: subscriptions.expiresAt,
  primaryKeyStart: subscriptions.primaryKeyStart,
  secondaryKeyStart: subscriptions.secondaryKeyStart,
};

export interface NewSubscription {
  userId: string | null;
  productId: string;
  name: string;
  /** `submitted` when the product needs approval, `active` when not. */
  state: "submitted" | "active";
  termsAcceptedAt?: Date | null;
  expiresAt?: Date | null;
  /**
   * The product's per-user limit (active + submitted), or null for none.
   * Checked inside the same write transaction as the insert, so two
   * concurrent requests cannot both take the last place.
   */
  limit?: number | null;
  /** portal.yaml `keyPrefix`. */
  keyPrefix: string;
  secrets: Secrets;
}

export type CreateSubscriptionResult =
  | { ok: true; subscription: Subscription; primaryKey: string; secondaryKey: string }
  | Failure<"SUBSCRIPTIONS_LIMIT_REACHED">;

export async function createSubscription(
  store: StoreHandle,
  input: NewSubscription,
  now: Date = new Date(),
): Promise<CreateSubscriptionResult> {
  const primary = newKey(input.keyPrefix, input.secrets);
  const secondary = newKey(input.keyPrefix, input.secrets);
  return withTransaction(store, async (tx) => {
    if (input.limit != null && input.userId !== null) {
      const open = await countOpenSubscriptions(tx, input.userId, input.productId);
      if (open >= input.limit) {
        return fail(
          "SUBSCRIPTIONS_LIMIT_REACHED",
          `You already have ${open} subscription${open === 1 ? "" : "s"} to this product, the most allowed.`,
        );
      }
    }
    const [subscription] = await tx.db
      .insert(subscriptions)
      .values({
        id: newId(),
        userId: input.userId,
        productId: input.productId,
        name: input.name.trim(),
        state: input.state,
        termsAcceptedAt: input.termsAcceptedAt ?? null,
        createdAt: now,
        updatedAt: now,
        activatedAt: input.state === "active" ? now : null,
        expiresAt: input.expiresAt ?? null,
        primaryKeyHash: primary.hash,
        primaryKeyEnc: primary.encrypted,
        primaryKeyStart: primary.start,
        secondaryKeyHash: secondary.hash,
        secondaryKeyEnc: secondary.encrypted,
        secondaryKeyStart: secondary.start,
      })
      .returning(publicColumns);
    return { ok: true, subscription: subscription!, primaryKey: primary.key, secondaryKey: secondary.key } as const;
  });
}

export interface OwnerGuard {
  /** When set, the subscription must belong to this user, or it is NOT_FOUND (never FORBIDDEN: no trace of others' data). */
  ownerId?: string;
}

export async function findSubscription(store: StoreHandle, id: string, guard: OwnerGuard = {}): Promise<Subscription | null> {
  const [row] = await store.db.select(publicColumns).from(subscriptions).where(byId(id, guard)).limit(1);
  return row ?? null;
}

export interface ListSubscriptionsOptions {
  userId?: string;
  productId?: string;
  state?: SubscriptionState | readonly SubscriptionState[];
  limit?: number;
  offset?: number;
  /** `newest` (default) or `oldest`: the approvals queue reads oldest first. */
  order?: "newest" | "oldest";
}

export async function listSubscriptions(
  store: StoreHandle,
  options: ListSubscriptionsOptions = {},
): Promise<{ subscriptions: Subscription[]; total: number }> {
  const conditions: SQL[] = [];
  if (options.userId !== undefined) conditions.push(eq(subscriptions.userId, options.userId));
  if (options.productId !== undefined) conditions.push(eq(subscriptions.productId, options.productId));
  if (options.state !== undefined) {
    const states = typeof options.state === "string" ? [options.state] : [...options.state];
    conditions.push(inArray(subscriptions.state, states));
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const direction = options.order === "oldest" ? asc : desc;
  const [rows, [total]] = await Promise.all([
    store.db
      .select(publicColumns)
      .from(subscriptions)
      .where(where)
      .orderBy(direction(subscriptions.createdAt), direction(subscriptions.id))
      .limit(clampLimit(options.limit, 100, 1000))
      .offset(Math.max(0, options.offset ?? 0)),
    store.db.select({ n: count() }).from(subscriptions).where(where),
  ]);
  return { subscriptions: rows, total: total?.n ?? 0 };
}

/** Subscriptions a user holds to a product that count against its limit (active + submitted). */
export async function countOpenSubscriptions(store: StoreHandle, userId: string, productId: string): Promise<number> {
  const [row] = await store.db
    .select({ n: count() })
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        eq(subscriptions.productId, productId),
        inArray(subscriptions.state, [...OPEN_STATES]),
      ),
    );
  return row?.n ?? 0;
}

export type TransitionResult =
  | { ok: true; subscription: Subscription; from: SubscriptionState }
  | Failure<"NOT_FOUND">
  | (Failure<"INVALID_STATE_TRANSITION"> & { from: SubscriptionState; to: SubscriptionState });

/**
 * Moves a subscription to `to` if its current state allows it. The check and
 * the change are one UPDATE; when it matches nothing, a read tells NOT_FOUND
 * from INVALID_STATE_TRANSITION.
 */
export async function transitionSubscription(
  store: StoreHandle,
  id: string,
  to: SubscriptionState,
  options: OwnerGuard & { comment?: string | null; now?: Date } = {},
): Promise<TransitionResult> {
  const now = options.now ?? new Date();
  const sources = sourcesOf(to);
  if (sources.length === 0) {
    // Nothing may become `submitted`: no UPDATE can succeed, only explain why.
    const current = await findSubscription(store, id, options);
    return current === null ? fail("NOT_FOUND", `No subscription ${id}.`) : invalidTransition(current.state, to);
  }
  const set: SQLiteUpdateSetSource<typeof subscriptions> = {
    state: to,
    stateComment: options.comment ?? null,
    updatedAt: now,
  };
  if (to === "cancelled") set.cancelledAt = now;
  // The first activation is the subscription's start date; reactivating a
  // suspended one keeps it.
  if (to === "active") set.activatedAt = sql`coalesce(${subscriptions.activatedAt}, ${now.getTime()})`;
  // The guarded UPDATE alone decides. The read before it, in the same write
  // transaction (which holds the write lock from its start), only supplies
  // `from` for the caller's audit entry and tells NOT_FOUND from an illegal move.
  const result = await withTransaction(store, async (tx) => {
    const [before] = await tx.db.select({ state: subscriptions.state }).from(subscriptions).where(byId(id, options)).limit(1);
    if (before === undefined) return null;
    const [updated] = await tx.db
      .update(subscriptions)
      .set(set)
      .where(and(byId(id, options), inArray(subscriptions.state, sources)))
      .returning(publicColumns);
    return { from: before.state, updated };
  });
  if (result === null) return fail("NOT_FOUND", `No subscription ${id}.`);
  if (result.updated === undefined) return invalidTransition(result.from, to);
  return { ok: true, subscription: result.updated, from: result.from };
}

function invalidTransition(from: SubscriptionState, to: SubscriptionState) {
  return {
    ...fail("INVALID_STATE_TRANSITION", `A ${from} subscription cannot become ${to}.`),
    from,
    to,
  } as const;
}

export async function renameSubscription(
  store: StoreHandle,
  id: string,
  name: string,
  options: OwnerGuard & { now?: Date } = {},
): Promise<{ ok: true; subscription: Subscription } | Failure<"NOT_FOUND">> {
  const [subscription] = await store.db
    .update(subscriptions)
    .set({ name: name.trim(), updatedAt: options.now ?? new Date() })
    .where(byId(id, options))
    .returning(publicColumns);
  return subscription === undefined ? fail("NOT_FOUND", `No subscription ${id}.`) : { ok: true, subscription };
}

/**
 * Replaces one key. The old key stops matching the moment this commits; the
 * caller must also tell every gateway node to drop the old hash from its
 * cache (the returned `oldHash`), which is what makes it stop everywhere at once.
 */
export async function regenerateSubscriptionKey(
  store: StoreHandle,
  id: string,
  slot: KeySlot,
  options: OwnerGuard & { keyPrefix: string; secrets: Secrets; now?: Date },
): Promise<{ ok: true; key: string; oldHash: string; subscription: Subscription } | Failure<"NOT_FOUND">> {
  const fresh = newKey(options.keyPrefix, options.secrets);
  const hashColumn = slot === "primary" ? subscriptions.primaryKeyHash : subscriptions.secondaryKeyHash;
  return withTransaction(store, async (tx) => {
    const [before] = await tx.db.select({ hash: hashColumn }).from(subscriptions).where(byId(id, options)).limit(1);
    if (before === undefined) return fail("NOT_FOUND", `No subscription ${id}.`);
    const [subscription] = await tx.db
      .update(subscriptions)
      .set({ ...keyColumns(slot, fresh), updatedAt: options.now ?? new Date() })
      .where(byId(id, options))
      .returning(publicColumns);
    return { ok: true, key: fresh.key, oldHash: before.hash, subscription: subscription! } as const;
  });
}

export type KeysResult =
  | { ok: true; primaryKey: string; secondaryKey: string }
  | Failure<"NOT_FOUND">
  | Failure<"INTERNAL">;

/**
 * Both keys in the clear, for the owner's "show keys". A key that fails to
 * decrypt (altered row, wrong PORTICO_KEY_ENCRYPTION_KEY) is INTERNAL: the
 * owner can regenerate, and the operator should look at the log.
 */
export async function getSubscriptionKeys(
  store: StoreHandle,
  id: string,
  secrets: Secrets,
  guard: OwnerGuard = {},
): Promise<KeysResult> {
  const [row] = await store.db
    .select({ primary: subscriptions.primaryKeyEnc, secondary: subscriptions.secondaryKeyEnc })
    .from(subscriptions)
    .where(byId(id, guard))
    .limit(1);
  if (row === undefined) return fail("NOT_FOUND", `No subscription ${id}.`);
  const primary = decryptKey(row.primary, secrets);
  const secondary = decryptKey(row.secondary, secrets);
  if (!primary.ok) return fail("INTERNAL", `Primary key of subscription ${id}: ${primary.message}`);
  if (!secondary.ok) return fail("INTERNAL", `Secondary key of subscription ${id}: ${secondary.message}`);
  return { ok: true, primaryKey: primary.key, secondaryKey: secondary.key };
}

/** One entry of the gateway's key cache: a key hash and what it opens. */
export interface KeyEntry {
  hash: string;
  slot: KeySlot;
  subscriptionId: string;
  productId: string;
  userId: string | null;
  /** Epoch ms after which the key stops working even before the sweep marks it expired; null = never. */
  expiresAt: number | null;
}

/**
 * Every key that may open the gateway now: both keys of each active
 * subscription not past its expiry. The gateway's in-memory map is loaded
 * from this at start and on change.
 */
export async function listActiveKeyEntries(store: StoreHandle, now: Date = new Date()): Promise<KeyEntry[]> {
  const rows = await store.db
    .select(keyEntryColumns)
    .from(subscriptions)
    .where(and(eq(subscriptions.state, "active"), or(isNull(subscriptions.expiresAt), gt(subscriptions.expiresAt, now))));
  return rows.flatMap(toKeyEntries);
}

/**
 * The key entries of one subscription (empty unless it is active): for
 * refreshing a single subscription in the cache after a change, rather than
 * reloading everything.
 */
export async function getKeyEntries(store: StoreHandle, subscriptionId: string, now: Date = new Date()): Promise<KeyEntry[]> {
  const rows = await store.db
    .select(keyEntryColumns)
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.id, subscriptionId),
        eq(subscriptions.state, "active"),
        or(isNull(subscriptions.expiresAt), gt(subscriptions.expiresAt, now)),
      ),
    );
  return rows.flatMap(toKeyEntries);
}

/**
 * Housekeeping: marks active subscriptions past their `expiresAt` as
 * `expired`. Returns their ids so the caller can drop them from key caches.
 */
export async function expireDueSubscriptions(store: StoreHandle, now: Date = new Date()): Promise<string[]> {
  const rows = await store.db
    .update(subscriptions)
    .set({ state: "expired", stateComment: "Expired", updatedAt: now })
    .where(and(eq(subscriptions.state, "active"), lte(subscriptions.expiresAt, now)))
    .returning({ id: subscriptions.id });
  return rows.map((r) => r.id);
}

const keyEntryColumns = {
  id: subscriptions.id,
  productId: subscriptions.productId,
  userId: subscriptions.userId,
  expiresAt: subscriptions.expiresAt,
  primaryKeyHash: subscriptions.primaryKeyHash,
  secondaryKeyHash: subscriptions.secondaryKeyHash,
};

function toKeyEntries(row: {
  id: string;
  productId: string;
  userId: string | null;
  expiresAt: Date | null;
  primaryKeyHash: string;
  secondaryKeyHash: string;
}): KeyEntry[] {
  const common = {
    subscriptionId: row.id,
    productId: row.productId,
    userId: row.userId,
    expiresAt: row.expiresAt?.getTime() ?? null,
  };
  return [
    { hash: row.primaryKeyHash, slot: "primary", ...common },
    { hash: row.secondaryKeyHash, slot: "secondary", ...common },
  ];
}

function keyColumns(slot: KeySlot, key: NewKey): SQLiteUpdateSetSource<typeof subscriptions> {
  return slot === "primary"
    ? { primaryKeyHash: key.hash, primaryKeyEnc: key.encrypted, primaryKeyStart: key.start }
    : { secondaryKeyHash: key.hash, secondaryKeyEnc: key.encrypted, secondaryKeyStart: key.start };
}

function byId(id: string, guard: OwnerGuard): SQL {
  return guard.ownerId === undefined
    ? eq(subscriptions.id, id)
    : and(eq(subscriptions.id, id), eq(subscriptions.userId, guard.ownerId))!;
}
