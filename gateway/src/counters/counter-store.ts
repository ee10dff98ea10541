/**
 * Counters and the response cache behind one interface, so that one node
 * keeps them in memory and a cluster keeps them in Redis, with the same
 * decisions either way.
 *
 * Methods may answer synchronously (memory) or with a promise (Redis);
 * callers `await` only when they got a promise, which keeps the in-memory
 * hot path free of microtask hops.
 *
 * A store that cannot answer (Redis down) throws StoreUnavailableError;
 * what then happens is the caller's configured choice (`onStoreError:
 * allow | deny`), never the store's.
 */

export type MaybePromise<T> = T | Promise<T>;

export interface WindowDecision {
  allowed: boolean;
  /** Hits counted in the window, including this one when allowed. */
  count: number;
  limit: number;
  remaining: number;
  /** When refused: how long until a hit of the same cost would pass. 0 when allowed. */
  retryAfterMs: number;
  /** Time until the window (fixed) or the oldest hit (sliding) frees capacity. */
  resetMs: number;
}

export interface Lease {
  ok: boolean;
  /** Current holders, including this one when ok. */
  count: number;
  /** Gives the slot back; safe to call more than once. */
  release(): void;
}

/** One consume of a batch (`consumeMany`): the arguments of consumeSliding or consumeFixed. */
export type CounterOp =
  | { kind: "sliding"; key: string; cost: number; limit: number; windowMs: number; now: number }
  | { kind: "fixed"; key: string; cost: number; limit: number; windowStart: number; windowMs: number; now: number };

export interface CachedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface CounterStore {
  readonly kind: "memory" | "redis";

  /**
   * Sliding window: allows and records `cost` when the hits of the last
   * `windowMs` plus `cost` stay within `limit`; otherwise refuses and
   * records nothing.
   */
  consumeSliding(key: string, cost: number, limit: number, windowMs: number, now: number): MaybePromise<WindowDecision>;

  /**
   * Decides like consumeSliding but records nothing: for limits that count
   * a call only after its answer (rate-limit-by-key's incrementCondition),
   * which check first and add later.
   */
  peekSliding(key: string, cost: number, limit: number, windowMs: number, now: number): MaybePromise<WindowDecision>;

  /**
   * Fixed window starting at `windowStart` (epoch ms) and lasting
   * `windowMs`: allows and adds `cost` when the total stays within `limit`.
   */
  consumeFixed(key: string, cost: number, limit: number, windowStart: number, windowMs: number, now: number): MaybePromise<WindowDecision>;

  /**
   * Runs `ops` in order as one operation, deciding each exactly as
   * consumeSliding or consumeFixed would, and stops at the first refusal:
   * the decisions of every op, or of the ops up to and including the one
   * refused (the later ones are neither decided nor counted). A call's
   * consecutive limits go through here, so Redis answers them in one round
   * trip.
   */
  consumeMany(ops: readonly CounterOp[]): MaybePromise<WindowDecision[]>;

  /** Decides like consumeFixed but adds nothing (quotas counted after the answer: bytes, conditional calls). */
  peekFixed(key: string, cost: number, limit: number, windowStart: number, windowMs: number, now: number): MaybePromise<WindowDecision>;

  /** Adds to a fixed window without a limit check (e.g. bytes known only after the answer). Returns the new total. */
  addFixed(key: string, amount: number, windowStart: number, windowMs: number): MaybePromise<number>;

  /** Takes one of `limit` concurrent slots; the lease expires after `leaseMs` if never released. */
  acquire(key: string, limit: number, leaseMs: number): MaybePromise<Lease>;

  cacheGet(key: string): MaybePromise<CachedResponse | undefined>;
  cacheSet(key: string, value: CachedResponse, ttlMs: number): MaybePromise<void>;

  close(): Promise<void>;
}

/** Thrown when the store cannot answer; callers apply their onStoreError choice. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === "function";
}
