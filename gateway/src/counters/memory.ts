/**
 * The in-memory CounterStore: exact, synchronous, for one node.
 *
 * Sliding windows keep the time of every hit (a ring of at most `limit`
 * entries) up to EXACT_LIMIT, so a limit of 10 calls in 10 s is exact to the
 * millisecond; larger limits use the weighted two-window estimate (the
 * previous window's count scaled by how much of it still overlaps), which
 * needs constant memory.
 *
 * Memory is bounded: entries expire with their window and a periodic sweep
 * drops them; beyond `maxKeys` the least recently used keys go first.
 */
import type { CachedResponse, CounterOp, CounterStore, Lease, WindowDecision } from "./counter-store.ts";

const EXACT_LIMIT = 10_000;

interface SlidingLog {
  kind: "log";
  times: Float64Array;
  head: number;
  len: number;
  windowMs: number;
  expires: number;
}

interface SlidingPair {
  kind: "pair";
  windowMs: number;
  start: number;
  current: number;
  previous: number;
  expires: number;
}

interface Fixed {
  windowStart: number;
  total: number;
  expires: number;
}

interface Slots {
  holders: Map<number, number>;
  expires: number;
}

export interface MemoryStoreOptions {
  maxKeys?: number;
  maxCacheBytes?: number;
  sweepMs?: number;
  now?: () => number;
}

export class MemoryCounterStore implements CounterStore {
  readonly kind = "memory" as const;
  #sliding = new Map<string, SlidingLog | SlidingPair>();
  #fixed = new Map<string, Fixed>();
  #slots = new Map<string, Slots>();
  #cache = new Map<string, { value: CachedResponse; expires: number; bytes: number }>();
  #cacheBytes = 0;
  #maxKeys: number;
  #maxCacheBytes: number;
  #now: () => number;
  #leaseSeq = 0;
  #timer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 1_000_000;
    this.#maxCacheBytes = options.maxCacheBytes ?? 64 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => this.sweep(), options.sweepMs ?? 30_000);
    this.#timer.unref();
  }

  consumeSliding(key: string, cost: number, limit: number, windowMs: number, now: number): WindowDecision {
    let entry = this.#sliding.get(key);
    const exact = limit <= EXACT_LIMIT;
    if (entry === undefined || entry.windowMs !== windowMs || (entry.kind === "log") !== exact || (entry.kind === "log" && entry.times.length !== limit)) {
      entry = exact
        ? { kind: "log", times: new Float64Array(Math.max(1, limit)), head: 0, len: 0, windowMs, expires: 0 }
        : { kind: "pair", windowMs, start: now - (now % windowMs), current: 0, previous: 0, expires: 0 };
      this.#bound(this.#sliding);
    } else {
      // Re-insert to keep Map order close to least-recently-used.
      this.#sliding.delete(key);
    }
    this.#sliding.set(key, entry);
    entry.expires = now + windowMs;
    return entry.kind === "log" ? consumeLog(entry, cost, limit, now) : consumePair(entry, cost, limit, now);
  }

  peekSliding(key: string, cost: number, limit: number, windowMs: number, now: number): WindowDecision {
    const entry = this.#sliding.get(key);
    const exact = limit <= EXACT_LIMIT;
    if (entry === undefined || entry.windowMs !== windowMs || (entry.kind === "log") !== exact || (entry.kind === "log" && entry.times.length !== limit)) {
      // Nothing counted yet under these settings; do not create an entry just to look.
      const allowed = cost <= limit;
      return { allowed, count: 0, limit, remaining: limit, retryAfterMs: allowed ? 0 : windowMs, resetMs: 0 };
    }
    return entry.kind === "log" ? consumeLog(entry, cost, limit, now, false) : consumePair(entry, cost, limit, now, false);
  }

  peekFixed(key: string, cost: number, limit: number, windowStart: number, windowMs: number, now: number): WindowDecision {
    const entry = this.#fixed.get(key);
    const total = entry === undefined || entry.windowStart !== windowStart ? 0 : entry.total;
    const resetMs = Math.max(0, windowStart + windowMs - now);
    const allowed = total + cost <= limit;
    return { allowed, count: total, limit, remaining: Math.max(0, limit - total), retryAfterMs: allowed ? 0 : resetMs, resetMs };
  }

  consumeFixed(key: string, cost: number, limit: number, windowStart: number, windowMs: number, now: number): WindowDecision {
    const entry = this.#fixedEntry(key, windowStart, windowMs);
    const resetMs = Math.max(0, windowStart + windowMs - now);
    if (entry.total + cost > limit) {
      return { allowed: false, count: entry.total, limit, remaining: Math.max(0, limit - entry.total), retryAfterMs: resetMs, resetMs };
    }
    entry.total += cost;
    return { allowed: true, count: entry.total, limit, remaining: limit - entry.total, retryAfterMs: 0, resetMs };
  }

  consumeMany(ops: readonly CounterOp[]): WindowDecision[] {
    const out: WindowDecision[] = [];
    for (const op of ops) {
      const d = op.kind === "sliding" ? this.consumeSliding(op.key, op.cost, op.limit, op.windowMs, op.now) : this.consumeFixed(op.key, op.cost, op.limit, op.windowStart, op.windowMs, op.now);
      out.push(d);
      if (!d.allowed) break;
    }
    return out;
  }

  addFixed(key: string, amount: number, windowStart: number, windowMs: number): number {
    const entry = this.#fixedEntry(key, windowStart, windowMs);
    entry.total += amount;
    return entry.total;
  }

  acquire(key: string, limit: number, leaseMs: number): Lease {
    const now = this.#now();
    let slots = this.#slots.get(key);
    if (!slots) {
      slots = { holders: new Map(), expires: 0 };
      this.#slots.set(key, slots);
    }
    for (const [id, until] of slots.holders) if (until <= now) slots.holders.delete(id);
    if (slots.holders.size >= limit) return { ok: false, count: slots.holders.size, release() {} };
    const id = ++this.#leaseSeq;
    slots.holders.set(id, now + leaseMs);
    slots.expires = Math.max(slots.expires, now + leaseMs);
    const held = slots;
    return {
      ok: true,
      count: held.holders.size,
      release: () => {
        held.holders.delete(id);
      },
    };
  }

  cacheGet(key: string): CachedResponse | undefined {
    const hit = this.#cache.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.#now()) {
      this.#dropCache(key);
      return undefined;
    }
    this.#cache.delete(key);
    this.#cache.set(key, hit);
    return hit.value;
  }

  cacheSet(key: string, value: CachedResponse, ttlMs: number): void {
    const bytes = value.body.length + value.headers.reduce((n, [k, v]) => n + k.length + v.length, 0) + key.length;
    if (bytes > this.#maxCacheBytes / 4) return; // one answer may not evict most of the cache
    this.#dropCache(key);
    this.#cache.set(key, { value, expires: this.#now() + ttlMs, bytes });
    this.#cacheBytes += bytes;
    for (const oldest of this.#cache.keys()) {
      if (this.#cacheBytes <= this.#maxCacheBytes) break;
      this.#dropCache(oldest);
    }
  }

  /** Drops expired entries; runs on a timer, callable from tests. */
  sweep(): void {
    const now = this.#now();
    for (const [k, v] of this.#sliding) if (v.expires <= now) this.#sliding.delete(k);
    for (const [k, v] of this.#fixed) if (v.expires <= now) this.#fixed.delete(k);
    for (const [k, v] of this.#slots) {
      for (const [id, until] of v.holders) if (until <= now) v.holders.delete(id);
      if (v.holders.size === 0) this.#slots.delete(k);
    }
    for (const [k, v] of this.#cache) if (v.expires <= now) this.#dropCache(k);
  }

  get sizes(): { sliding: number; fixed: number; slots: number; cache: number; cacheBytes: number } {
    return { sliding: this.#sliding.size, fixed: this.#fixed.size, slots: this.#slots.size, cache: this.#cache.size, cacheBytes: this.#cacheBytes };
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
  }

  #fixedEntry(key: string, windowStart: number, windowMs: number): Fixed {
    let entry = this.#fixed.get(key);
    if (entry === undefined || entry.windowStart !== windowStart) {
      entry = { windowStart, total: 0, expires: windowStart + windowMs };
      this.#bound(this.#fixed);
      this.#fixed.set(key, entry);
    }
    return entry;
  }

  #bound(map: Map<string, unknown>): void {
    if (map.size < this.#maxKeys) return;
    let toDrop = Math.ceil(this.#maxKeys / 10);
    for (const k of map.keys()) {
      map.delete(k);
      if (--toDrop === 0) break;
    }
  }

  #dropCache(key: string): void {
    const old = this.#cache.get(key);
    if (!old) return;
    this.#cacheBytes -= old.bytes;
    this.#cache.delete(key);
  }
}

function consumeLog(log: SlidingLog, cost: number, limit: number, now: number, record = true): WindowDecision {
  const cap = log.times.length;
  const cutoff = now - log.windowMs;
  while (log.len > 0 && log.times[log.head]! <= cutoff) {
    log.head = (log.head + 1) % cap;
    log.len--;
  }
  if (log.len + cost > limit) {
    // The hit that must expire before `cost` more fit: index len+cost-limit-1 from the oldest.
    const mustExpire = Math.min(log.len, log.len + cost - limit) - 1;
    const at = mustExpire >= 0 ? log.times[(log.head + mustExpire) % cap]! : now;
    const retryAfterMs = cost > limit ? log.windowMs : Math.max(1, at + log.windowMs - now);
    const resetMs = log.len > 0 ? Math.max(0, log.times[log.head]! + log.windowMs - now) : 0;
    return { allowed: false, count: log.len, limit, remaining: Math.max(0, limit - log.len), retryAfterMs, resetMs };
  }
  if (!record) {
    const resetMs = log.len > 0 ? Math.max(0, log.times[log.head]! + log.windowMs - now) : 0;
    return { allowed: true, count: log.len, limit, remaining: limit - log.len, retryAfterMs: 0, resetMs };
  }
  for (let i = 0; i < cost; i++) {
    log.times[(log.head + log.len) % cap] = now;
    log.len++;
  }
  return { allowed: true, count: log.len, limit, remaining: limit - log.len, retryAfterMs: 0, resetMs: Math.max(0, log.times[log.head]! + log.windowMs - now) };
}

function consumePair(pair: SlidingPair, cost: number, limit: number, now: number, record = true): WindowDecision {
  const w = pair.windowMs;
  const start = now - (now % w);
  if (start !== pair.start) {
    pair.previous = start - pair.start === w ? pair.current : 0;
    pair.current = 0;
    pair.start = start;
  }
  const elapsed = now - start;
  const weight = (w - elapsed) / w;
  const estimate = Math.floor(pair.previous * weight) + pair.current;
  if (estimate + cost > limit) {
    // Time until the previous window has decayed enough, or the window turns.
    const room = limit - pair.current - cost;
    const decayAt = pair.previous > 0 && room >= 0 ? w * (1 - room / pair.previous) : w;
    const retryAfterMs = Math.max(1, Math.ceil(Math.min(decayAt, w) - elapsed + (room < 0 ? w : 0)));
    return { allowed: false, count: estimate, limit, remaining: Math.max(0, limit - estimate), retryAfterMs, resetMs: w - elapsed };
  }
  if (!record) return { allowed: true, count: estimate, limit, remaining: limit - estimate, retryAfterMs: 0, resetMs: w - elapsed };
  pair.current += cost;
  return { allowed: true, count: estimate + cost, limit, remaining: limit - estimate - cost, retryAfterMs: 0, resetMs: w - elapsed };
}
