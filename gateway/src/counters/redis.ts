/**
 * The Redis CounterStore, shared by every gateway node of a cluster. Each
 * decision is one Lua script run atomically on the server, so two nodes can
 * never both take the last call of a limit.
 *
 * - Keys are namespaced (`<prefix>rl:`, `q:`, `c:`, `cache:`) and every key
 *   has a TTL no longer than its window, so Redis never fills with stale
 *   counters.
 * - Commands fail fast when Redis is away (no offline queue, a short command
 *   timeout): the caller then applies its onStoreError choice instead of
 *   waiting. ioredis reconnects in the background.
 * - Nodes decide with their own clock (`now`); keep them in sync with NTP.
 *
 * ioredis rather than node-redis: it has built-in Lua script registration
 * with EVALSHA and automatic fallback to EVAL after a server restart
 * (`defineCommand`), fail-fast options (enableOfflineQueue: false,
 * commandTimeout) and Sentinel/Cluster support in the same client; and
 * Astro's own storage layer already depends on it, so it adds no new
 * dependency tree.
 */
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../log.ts";
import { StoreUnavailableError, type CachedResponse, type CounterOp, type CounterStore, type Lease, type WindowDecision } from "./counter-store.ts";

/**
 * The decisions as Lua functions, shared by the one-decision scripts and by
 * MANY, which runs several in one script (one round trip per call).
 *
 * sliding_log: a sorted set of hit times. Returns {allowed, count, retryAfterMs, resetMs}.
 * sliding_pair: two fixed windows weighted by overlap, for limits too large to log every hit; same result.
 * fixed: a counter that expires at the window's end. Returns {allowed, total}.
 */
const DECISIONS = `
local function sliding_log(key, cost, limit, window, now, seq, peek)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count + cost > limit then
    local retry = window
    if cost <= limit then
      local idx = count + cost - limit - 1
      local hit = redis.call('ZRANGE', key, idx, idx, 'WITHSCORES')
      if hit[2] then retry = tonumber(hit[2]) + window - now end
      if retry < 1 then retry = 1 end
    end
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local reset = 0
    if oldest[2] then reset = tonumber(oldest[2]) + window - now end
    return {0, count, retry, reset}
  end
  if peek then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local reset = 0
    if oldest[2] then reset = tonumber(oldest[2]) + window - now end
    return {1, count + cost, 0, reset}
  end
  for i = 1, cost do
    redis.call('ZADD', key, now, seq .. ':' .. i)
  end
  redis.call('PEXPIRE', key, window)
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {1, count + cost, 0, tonumber(oldest[2]) + window - now}
end

local function sliding_pair(prefix, cost, limit, window, now, peek)
  local start = now - (now % window)
  local cur_key = prefix .. ':' .. start
  local prev_key = prefix .. ':' .. (start - window)
  local current = tonumber(redis.call('GET', cur_key) or '0')
  local previous = tonumber(redis.call('GET', prev_key) or '0')
  local elapsed = now - start
  local estimate = math.floor(previous * (window - elapsed) / window) + current
  if estimate + cost > limit then
    local room = limit - current - cost
    local decay = window
    if previous > 0 and room >= 0 then decay = window * (1 - room / previous) end
    if decay > window then decay = window end
    local retry = decay - elapsed
    if room < 0 then retry = retry + window end
    if retry < 1 then retry = 1 end
    return {0, estimate, math.ceil(retry), window - elapsed}
  end
  if peek then return {1, estimate + cost, 0, window - elapsed} end
  redis.call('INCRBY', cur_key, cost)
  redis.call('PEXPIRE', cur_key, window * 2)
  return {1, estimate + cost, 0, window - elapsed}
end

local function fixed(key, cost, limit, window_end)
  local total = tonumber(redis.call('GET', key) or '0')
  if total + cost > limit then return {0, total} end
  total = redis.call('INCRBY', key, cost)
  redis.call('PEXPIREAT', key, window_end)
  return {1, total}
end
`;

const SLIDING_LOG = DECISIONS + "return sliding_log(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], ARGV[6] == '1')";
const SLIDING_PAIR = DECISIONS + "return sliding_pair(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5] == '1')";
const FIXED = DECISIONS + "return fixed(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))";

/**
 * Several consumes in order, stopping at the first refusal. ARGV[1] is the
 * hit id's prefix; then 6 arguments per key: kind (L sliding log, P sliding
 * pair, F fixed), cost, limit, window, now, window end (F). Returns 4
 * numbers per op decided: {allowed, count, retryAfterMs, resetMs}, or for F
 * {allowed, total, 0, 0}.
 */
const MANY =
  DECISIONS +
  `
local out = {}
for i = 1, #KEYS do
  local b = 1 + (i - 1) * 6
  local kind = ARGV[b + 1]
  local cost, limit, window, now = tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5])
  local r
  if kind == 'L' then
    r = sliding_log(KEYS[i], cost, limit, window, now, ARGV[1] .. ':' .. i, false)
  elseif kind == 'P' then
    r = sliding_pair(KEYS[i], cost, limit, window, now, false)
  else
    local f = fixed(KEYS[i], cost, limit, tonumber(ARGV[b + 6]))
    r = {f[1], f[2], 0, 0}
  end
  for j = 1, 4 do out[#out + 1] = r[j] end
  if r[1] == 0 then break end
end
return out
`;

const ADD_FIXED = `
local total = redis.call('INCRBY', KEYS[1], tonumber(ARGV[1]))
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[2]))
return total
`;

/** Leases: a sorted set of holder ids scored by expiry. */
const ACQUIRE = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local until_ = tonumber(ARGV[3])
local id = ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
local count = redis.call('ZCARD', key)
if count >= limit then return {0, count} end
redis.call('ZADD', key, until_, id)
redis.call('PEXPIREAT', key, until_)
return {1, count + 1}
`;

const EXACT_LIMIT = 10_000;

interface ScriptCommands {
  porticoSlidingLog(key: string, cost: number, limit: number, window: number, now: number, seq: string, peek: string): Promise<number[]>;
  porticoSlidingPair(key: string, cost: number, limit: number, window: number, now: number, peek: string): Promise<number[]>;
  porticoFixed(key: string, cost: number, limit: number, windowEnd: number): Promise<number[]>;
  porticoAddFixed(key: string, amount: number, windowEnd: number): Promise<number>;
  porticoAcquire(key: string, limit: number, now: number, until: number, id: string): Promise<number[]>;
  porticoMany(numberOfKeys: number, ...keysThenArgs: Array<string | number>): Promise<number[]>;
}

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key; default `portico:`. */
  prefix?: string;
  /** A command slower than this fails (and the caller applies onStoreError). */
  commandTimeoutMs?: number;
  logger: Logger;
}

export interface RedisStoreStats {
  errors: number;
  connected: boolean;
}

export class RedisCounterStore implements CounterStore {
  readonly kind = "redis" as const;
  readonly client: Redis & ScriptCommands;
  #prefix: string;
  #logger: Logger;
  #seq = 0;
  #node = Math.random().toString(36).slice(2, 8);
  #errors = 0;
  #lastErrorLog = 0;

  constructor(options: RedisStoreOptions) {
    this.#prefix = options.prefix ?? "portico:";
    this.#logger = options.logger;
    const redisOptions: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 2_000,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
      reconnectOnError: () => true,
    };
    this.client = new Redis(options.url, redisOptions) as Redis & ScriptCommands;
    this.client.on("error", (err: Error) => this.#noteError(err));
    this.client.defineCommand("porticoSlidingLog", { numberOfKeys: 1, lua: SLIDING_LOG });
    this.client.defineCommand("porticoSlidingPair", { numberOfKeys: 1, lua: SLIDING_PAIR });
    this.client.defineCommand("porticoFixed", { numberOfKeys: 1, lua: FIXED });
    this.client.defineCommand("porticoAddFixed", { numberOfKeys: 1, lua: ADD_FIXED });
    this.client.defineCommand("porticoAcquire", { numberOfKeys: 1, lua: ACQUIRE });
    this.client.defineCommand("porticoMany", { lua: MANY });
  }

  get stats(): RedisStoreStats {
    return { errors: this.#errors, connected: this.client.status === "ready" };
  }

  /** Resolves once connected (or rejects after `timeoutMs`); for start-up and readiness. */
  async ready(timeoutMs = 2_000): Promise<boolean> {
    if (this.client.status === "ready") return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.off("ready", onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once("ready", onReady);
    });
  }

  consumeSliding(key: string, cost: number, limit: number, windowMs: number, now: number): Promise<WindowDecision> {
    return this.#sliding(key, cost, limit, windowMs, now, "0");
  }

  peekSliding(key: string, cost: number, limit: number, windowMs: number, now: number): Promise<WindowDecision> {
    return this.#sliding(key, cost, limit, windowMs, now, "1");
  }

  async #sliding(key: string, cost: number, limit: number, windowMs: number, now: number, peek: "0" | "1"): Promise<WindowDecision> {
    const exact = limit <= EXACT_LIMIT;
    const r = await this.#run(() =>
      exact
        ? this.client.porticoSlidingLog(`${this.#prefix}rl:${key}`, cost, limit, windowMs, now, `${now}:${this.#node}:${++this.#seq}`, peek)
        : this.client.porticoSlidingPair(`${this.#prefix}rl2:${key}`, cost, limit, windowMs, now, peek),
    );
    const [allowed, count, retryAfterMs, resetMs] = r.map(Number) as [number, number, number, number];
    return { allowed: allowed === 1, count, limit, remaining: Math.max(0, limit - count), retryAfterMs, resetMs: Math.max(0, resetMs) };
  }

  async consumeFixed(key: string, cost: number, limit: number, windowStart: number, windowMs: number, now: number): Promise<WindowDecision> {
    const windowEnd = windowStart + windowMs;
    const [allowed, total] = (await this.#run(() => this.client.porticoFixed(`${this.#prefix}q:${key}:${windowStart}`, cost, limit, windowEnd))).map(Number) as [number, number];
    const resetMs = Math.max(0, windowEnd - now);
    return { allowed: allowed === 1, count: total, limit, remaining: Math.max(0, limit - total), retryAfterMs: allowed === 1 ? 0 : resetMs, resetMs };
  }

  async consumeMany(ops: readonly CounterOp[]): Promise<WindowDecision[]> {
    const keys: string[] = [];
    const args: Array<string | number> = [`${Date.now()}:${this.#node}:${++this.#seq}`];
    for (const op of ops) {
      if (op.kind === "sliding") {
        const exact = op.limit <= EXACT_LIMIT;
        keys.push(exact ? `${this.#prefix}rl:${op.key}` : `${this.#prefix}rl2:${op.key}`);
        args.push(exact ? "L" : "P", op.cost, op.limit, op.windowMs, op.now, 0);
      } else {
        keys.push(`${this.#prefix}q:${op.key}:${op.windowStart}`);
        args.push("F", op.cost, op.limit, op.windowMs, op.now, op.windowStart + op.windowMs);
      }
    }
    const r = await this.#run(() => this.client.porticoMany(keys.length, ...keys, ...args));
    const out: WindowDecision[] = [];
    for (let i = 0; i * 4 < r.length; i++) {
      const op = ops[i]!;
      const allowed = Number(r[i * 4]) === 1;
      const count = Number(r[i * 4 + 1]);
      if (op.kind === "sliding") {
        out.push({ allowed, count, limit: op.limit, remaining: Math.max(0, op.limit - count), retryAfterMs: Number(r[i * 4 + 2]), resetMs: Math.max(0, Number(r[i * 4 + 3])) });
      } else {
        const resetMs = Math.max(0, op.windowStart + op.windowMs - op.now);
        out.push({ allowed, count, limit: op.limit, remaining: Math.max(0, op.limit - count), retryAfterMs: allowed ? 0 : resetMs, resetMs });
      }
    }
    return out;
  }

  async peekFixed(key: string, cost: number, limit: number, windowStart: number, windowMs: number, now: number): Promise<WindowDecision> {
    const raw = await this.#run(() => this.client.get(`${this.#prefix}q:${key}:${windowStart}`));
    const total = Number(raw ?? 0);
    const allowed = total + cost <= limit;
    const resetMs = Math.max(0, windowStart + windowMs - now);
    return { allowed, count: total, limit, remaining: Math.max(0, limit - total), retryAfterMs: allowed ? 0 : resetMs, resetMs };
  }

  async addFixed(key: string, amount: number, windowStart: number, windowMs: number): Promise<number> {
    return Number(await this.#run(() => this.client.porticoAddFixed(`${this.#prefix}q:${key}:${windowStart}`, amount, windowStart + windowMs)));
  }

  async acquire(key: string, limit: number, leaseMs: number): Promise<Lease> {
    const now = Date.now();
    const id = `${this.#node}:${++this.#seq}`;
    const redisKey = `${this.#prefix}c:${key}`;
    const [ok, count] = (await this.#run(() => this.client.porticoAcquire(redisKey, limit, now, now + leaseMs, id))).map(Number) as [number, number];
    if (ok !== 1) return { ok: false, count, release() {} };
    let released = false;
    return {
      ok: true,
      count,
      release: () => {
        if (released) return;
        released = true;
        // If this fails the lease still expires on its own after leaseMs.
        this.client.zrem(redisKey, id).catch((err: Error) => this.#noteError(err));
      },
    };
  }

  async cacheGet(key: string): Promise<CachedResponse | undefined> {
    const raw = await this.#run(() => this.client.getBuffer(`${this.#prefix}cache:${key}`));
    return raw === null ? undefined : decodeCached(raw);
  }

  async cacheSet(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    await this.#run(() => this.client.set(`${this.#prefix}cache:${key}`, encodeCached(value), "PX", Math.max(1, Math.round(ttlMs))));
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      this.#noteError(err as Error);
      throw new StoreUnavailableError(`Redis could not answer: ${(err as Error).message}`, { cause: err });
    }
  }

  #noteError(err: Error): void {
    this.#errors++;
    const now = Date.now();
    if (now - this.#lastErrorLog > 5_000) {
      this.#lastErrorLog = now;
      this.#logger.warn("redis error", { error: err.message, errorsTotal: this.#errors });
    }
  }
}

/** A cached answer as one buffer: 4-byte header length, JSON {status, headers}, body. */
function encodeCached(value: CachedResponse): Buffer {
  const head = Buffer.from(JSON.stringify({ s: value.status, h: value.headers }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(head.length);
  return Buffer.concat([len, head, value.body]);
}

function decodeCached(raw: Buffer): CachedResponse | undefined {
  if (raw.length < 4) return undefined;
  const len = raw.readUInt32BE(0);
  try {
    const head = JSON.parse(raw.subarray(4, 4 + len).toString()) as { s: number; h: Array<[string, string]> };
    return { status: head.s, headers: head.h, body: raw.subarray(4 + len) };
  } catch {
    return undefined;
  }
}
