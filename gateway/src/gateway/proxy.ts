/**
 * Forwarding on undici: one keep-alive `Pool` per backend origin, bodies
 * streamed both ways on the raw Node request and response (`Pool.stream()`
 * writes the backend's body straight into our ServerResponse, with
 * back-pressure), never `fetch()`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Writable, type Readable } from "node:stream";
import { Pool } from "undici";
import { isLargeBody, largeBodies } from "./buffer-reaper.ts";

export interface PoolSettings {
  /** Maximum sockets per backend origin. */
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

const DEFAULT_POOL: PoolSettings = { connections: 256, connectTimeoutMs: 5_000, keepAliveTimeoutMs: 4_000 };

export class BackendPools {
  #pools = new Map<string, Pool>();
  #settings: PoolSettings;

  constructor(settings: Partial<PoolSettings> = {}) {
    this.#settings = { ...DEFAULT_POOL, ...settings };
  }

  get(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.#settings.connections,
        connectTimeout: this.#settings.connectTimeoutMs,
        keepAliveTimeout: this.#settings.keepAliveTimeoutMs,
        pipelining: 1,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  /** Closes pools of origins that the new configuration no longer names. */
  retain(origins: Set<string>): void {
    for (const [origin, pool] of this.#pools) {
      if (!origins.has(origin)) {
        this.#pools.delete(origin);
        void pool.close().catch(() => pool.destroy());
      }
    }
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus ones a proxy must never pass on. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const NOTHING_LISTED = /^\s*(?:keep-alive|close)\s*$/i;

/** Header names listed in `Connection` are hop-by-hop too. */
export function connectionListed(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  // What nearly every peer sends, and lists no header: no split per call.
  if (typeof value === "string" && NOTHING_LISTED.test(value)) return undefined;
  const text = Array.isArray(value) ? value.join(",") : value;
  const names = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "" && s !== "close" && s !== "keep-alive");
  return names.length > 0 ? new Set(names) : undefined;
}

export function isHopByHop(lowerName: string, listed: Set<string> | undefined): boolean {
  return HOP_BY_HOP.has(lowerName) || (listed !== undefined && listed.has(lowerName));
}

/** Whether a gateway-set header replaces the backend's; `vary` is merged instead, since both sides add reasons to it. */
function replaced(lowerName: string, added: Array<[string, string]>): boolean {
  if (lowerName === "vary") return false;
  for (const [name] of added) if (name === lowerName) return true;
  return false;
}

/** The backend's answer head, as outbound policies see and change it before it is written. */
export interface ResponseHead {
  status: number;
  /** Flat `[name, value, …]`, lower-case names, hop-by-hop headers removed. */
  headers: string[];
}

export type ForwardOutcome =
  | { kind: "ok"; status: number; backendMs: number }
  | { kind: "timeout"; backendMs: number; headersSent: boolean }
  | { kind: "unreachable"; backendMs: number; headersSent: boolean; error: Error }
  | { kind: "aborted"; backendMs: number };

export interface ForwardRequest {
  method: string;
  /** Path and query for the backend, e.g. `/weather/v1/forecast?city=Oslo`. */
  path: string;
  /** Flat `[name, value, …]` list, already cleaned. */
  headers: string[];
  /** The caller's body stream, the body already read (policies needed it), or null when there is none. */
  body: IncomingMessage | Buffer | null;
  /** Time allowed for the backend's headers, and between body chunks. */
  timeoutMs: number;
  /** Response headers the gateway sets (lower-case names), replacing the backend's. */
  responseHeaders: Array<[string, string]>;
  /**
   * Called with the backend's head before anything is written (outbound
   * policies, retry): may change status and headers in place. Returning
   * false discards the backend's body and writes nothing, so the caller can
   * answer otherwise (or retry).
   */
  onHead?: (head: ResponseHead) => boolean;
}

/** Swallows a body that will not be sent (a retried or replaced answer). */
function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * Sends `request` to `pool` and streams the answer into `res`. Resolves
 * with the outcome; never rejects. When the backend fails before answering,
 * nothing has been written to `res` and the caller sends its own error.
 */
export function forward(pool: Pool, request: ForwardRequest, res: ServerResponse): Promise<ForwardOutcome> {
  const started = performance.now();
  let backendMs = -1;
  // A large body either way: have its dead socket buffers collected while it streams.
  const body = request.body;
  let large = body !== null && !Buffer.isBuffer(body) && isLargeBody(body.headers["content-length"]);
  if (large) largeBodies.opened();
  return pool
    .stream(
      {
        path: request.path,
        method: request.method as "GET",
        headers: request.headers,
        body: request.body,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
        // The caller may send a request body that undici cannot replay.
        idempotent: false,
      },
      ({ statusCode, headers }) => {
        backendMs = performance.now() - started;
        if (!large && isLargeBody(headers["content-length"])) {
          large = true;
          largeBodies.opened();
        }
        const out = cleanResponseHeaders(headers, request.responseHeaders);
        let status = statusCode;
        if (request.onHead !== undefined) {
          const head: ResponseHead = { status, headers: out };
          if (!request.onHead(head)) return discard();
          status = head.status;
          if (head.headers !== out) {
            out.length = 0;
            out.push(...head.headers);
          }
        }
        for (const [name, value] of request.responseHeaders) out.push(name, value);
        res.writeHead(status, out);
        return res;
      },
    )
    .then(
      (): ForwardOutcome => {
        if (large) largeBodies.closed();
        return { kind: "ok", status: res.headersSent ? res.statusCode : 0, backendMs };
      },
      (err: Error & { code?: string }): ForwardOutcome => {
        if (large) largeBodies.closed();
        const elapsed = backendMs >= 0 ? backendMs : performance.now() - started;
        const code = err.code ?? "";
        // The caller went away (its socket closed before we finished).
        const callerGone = res.destroyed || code === "UND_ERR_ABORTED" || code === "ERR_STREAM_PREMATURE_CLOSE";
        if (res.headersSent) {
          // Mid-body failure: the status is on the wire already; cut the
          // connection so the caller sees a truncated body, not a complete one.
          res.destroy();
        }
        if (callerGone) return { kind: "aborted", backendMs: elapsed };
        if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
          return { kind: "timeout", backendMs: elapsed, headersSent: res.headersSent };
        }
        return { kind: "unreachable", backendMs: elapsed, headersSent: res.headersSent, error: err };
      },
    );
}

function cleanResponseHeaders(headers: Record<string, string | string[] | undefined>, replacedBy: Array<[string, string]>): string[] {
  const listed = connectionListed(headers.connection);
  const out: string[] = [];
  for (const name in headers) {
    if (isHopByHop(name, listed) || replaced(name, replacedBy)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.push(name, v);
    else out.push(name, value);
  }
  return out;
}

export type BufferedOutcome =
  | { kind: "ok"; status: number; headers: string[]; body: Buffer; backendMs: number }
  /** The body outgrew the limit: what was read, and the rest still to stream. */
  | { kind: "too-large"; status: number; headers: string[]; head: Buffer[]; rest: Readable; backendMs: number }
  | { kind: "timeout"; backendMs: number }
  | { kind: "unreachable"; backendMs: number; error: Error }
  | { kind: "aborted"; backendMs: number };

/**
 * Sends `request` and reads the whole answer (up to `maxBytes`), for
 * outbound policies that work on the body (transformations, caching). The
 * streaming `forward` stays the path for every other call.
 */
export async function forwardBuffered(pool: Pool, request: Omit<ForwardRequest, "onHead" | "responseHeaders">, maxBytes: number, signal?: AbortSignal): Promise<BufferedOutcome> {
  const started = performance.now();
  let backendMs = -1;
  try {
    const answer = await pool.request({
      path: request.path,
      method: request.method as "GET",
      headers: request.headers,
      body: request.body,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
      idempotent: false,
      signal,
    });
    backendMs = performance.now() - started;
    const headers = cleanResponseHeaders(answer.headers, []);
    const declared = Number(answer.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    if (!(declared > maxBytes)) {
      // Read with events rather than for-await: leaving a for-await loop
      // early destroys the stream, and a too-large body must stay readable
      // so that the rest can still stream to the caller.
      const body = answer.body;
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size > maxBytes) {
            body.pause();
            done();
            resolve();
          }
        };
        const onEnd = () => {
          done();
          resolve();
        };
        const onError = (e: Error) => {
          done();
          reject(e);
        };
        const done = () => {
          body.off("data", onData);
          body.off("end", onEnd);
          body.off("error", onError);
        };
        body.on("data", onData);
        body.once("end", onEnd);
        body.once("error", onError);
      });
    }
    if (declared > maxBytes || size > maxBytes) {
      return { kind: "too-large", status: answer.statusCode, headers, head: chunks, rest: answer.body, backendMs };
    }
    return { kind: "ok", status: answer.statusCode, headers, body: Buffer.concat(chunks, size), backendMs };
  } catch (err) {
    const e = err as Error & { code?: string };
    const elapsed = backendMs >= 0 ? backendMs : performance.now() - started;
    const code = e.code ?? "";
    if (signal?.aborted || code === "UND_ERR_ABORTED") return { kind: "aborted", backendMs: elapsed };
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") return { kind: "timeout", backendMs: elapsed };
    return { kind: "unreachable", backendMs: elapsed, error: e };
  }
}
