/**
 * The gateway's view of subscription keys: an in-memory map from key hash
 * to the active subscription it belongs to. Loaded whole at start, then
 * changed subscription by subscription as the control plane changes them,
 * so the hot path never touches the database.
 *
 * Only hashes are held: the map is keyed by the same HMAC that the store
 * keeps, computed from the presented key with the server secret.
 */
import { createHmac } from "node:crypto";
import type { KeyEntry as StoredKeyEntry } from "../store/subscriptions.ts";

export type { StoredKeyEntry };

/** What a valid key opens. */
export interface KeyEntry {
  subscriptionId: string;
  productId: string;
  userId: string | null;
  /** Epoch ms after which the key no longer works; null = never. */
  expiresAt: number | null;
}

export type KeyHasher = (key: string) => string;

export function hmacKeyHasher(secret: Uint8Array | string): KeyHasher {
  return (key) => createHmac("sha256", secret).update(key).digest("hex");
}

export class KeyCache {
  #byHash = new Map<string, KeyEntry>();
  #hashesBySubscription = new Map<string, string[]>();
  #hash: KeyHasher;
  /** Bumped on every change; lets callers tell whether they hold the latest view. */
  version = 0;

  constructor(hash: KeyHasher) {
    this.#hash = hash;
  }

  /**
   * Changes how presented keys are hashed: a gateway node learns the
   * cluster's secret only with its first snapshot. Entries are stored
   * hashes, so they stay valid.
   */
  setHasher(hash: KeyHasher): void {
    this.#hash = hash;
  }

  /** Number of subscriptions with working keys. */
  get size(): number {
    return this.#hashesBySubscription.size;
  }

  /** The subscription owning `key`, or undefined for an unknown, inactive or expired key. */
  lookup(key: string, now = Date.now()): KeyEntry | undefined {
    const entry = this.#byHash.get(this.#hash(key));
    if (entry === undefined || (entry.expiresAt !== null && entry.expiresAt <= now)) return undefined;
    return entry;
  }

  /** Replaces the whole view, e.g. from a fresh load or a cluster snapshot. */
  replaceAll(entries: Iterable<StoredKeyEntry>): void {
    this.#byHash.clear();
    this.#hashesBySubscription.clear();
    for (const e of entries) this.#add(e);
    this.version++;
  }

  /**
   * Sets one subscription's keys to exactly `entries` (its current keys
   * after activation or regeneration; empty when it is no longer active).
   */
  setSubscription(subscriptionId: string, entries: readonly StoredKeyEntry[]): void {
    this.#remove(subscriptionId);
    for (const e of entries) if (e.subscriptionId === subscriptionId) this.#add(e);
    this.version++;
  }

  /** Forgets a subscription (cancelled, suspended, expired, deleted): its keys stop working at once. */
  remove(subscriptionId: string): void {
    if (this.#remove(subscriptionId)) this.version++;
  }

  /** Every entry, for a cluster snapshot. */
  entries(): StoredKeyEntry[] {
    const out: StoredKeyEntry[] = [];
    for (const hashes of this.#hashesBySubscription.values()) {
      hashes.forEach((hash, i) => {
        const e = this.#byHash.get(hash)!;
        out.push({ hash, slot: i === 0 ? "primary" : "secondary", ...e });
      });
    }
    return out;
  }

  #add(e: StoredKeyEntry): void {
    this.#byHash.set(e.hash, { subscriptionId: e.subscriptionId, productId: e.productId, userId: e.userId, expiresAt: e.expiresAt });
    const list = this.#hashesBySubscription.get(e.subscriptionId);
    if (list) list.push(e.hash);
    else this.#hashesBySubscription.set(e.subscriptionId, [e.hash]);
  }

  #remove(subscriptionId: string): boolean {
    const hashes = this.#hashesBySubscription.get(subscriptionId);
    if (!hashes) return false;
    for (const h of hashes) this.#byHash.delete(h);
    this.#hashesBySubscription.delete(subscriptionId);
    return true;
  }
}
