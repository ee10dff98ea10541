/**
 * The data plane: for each call, match → authenticate → forward → record.
 *
 * Works on the raw Node request and response (no web Request/Response
 * objects, no `fetch()`), holds its configuration as one compiled snapshot
 * swapped atomically on change, and touches no database: keys come from the
 * in-memory KeyCache, usage goes to a UsageSink that batches.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { CounterStore } from "../counters/counter-store.ts";
import { MemoryCounterStore } from "../counters/memory.ts";
import { ErrorCode, errorBody } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Catalog } from "../model/catalog.ts";
import { compilePolicies, type CompiledPolicies, type Pipeline } from "../policies/compile.ts";
import { Exchange } from "../policies/exchange.ts";
import { POLICY_DEFINITIONS } from "../policies/index.ts";
import type { PolicyEnv, PolicyStats } from "../policies/types.ts";
import { requestIdFrom } from "../server/request-id.ts";
import { classifyOutcome, type CallRecord, type UsageSink } from "../usage/event.ts";
import { largeBodies } from "./buffer-reaper.ts";
import { compileIpMatcher, type IpMatcher } from "./ip-match.ts";
import type { KeyCache, KeyEntry } from "./key-cache.ts";
import { runPipeline, runSteps, type RunContext } from "./pipeline.ts";
import { BackendPools, connectionListed, forward, isHopByHop } from "./proxy.ts";
import { compileRouter, takeQueryParam, type CompiledApi, type RouteResult, type Router } from "./router.ts";

export const MISSING_KEY_MESSAGE =
  "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.";
export const INVALID_KEY_MESSAGE =
  "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.";

/** Cookies the portal sets; a browser sends them to the gateway too (same host), so they are removed. */
const PORTAL_COOKIE = /^(__Host-|__Secure-)?portico[_-]/;

export interface GatewayOptions {
  logger: Logger;
  keys: KeyCache;
  usage: UsageSink;
  /** Addresses allowed to set X-Forwarded-For/-Proto/-Host. */
  trustedProxies: readonly string[];
  /** Time allowed for a backend's headers and between body chunks. */
  backendTimeoutMs?: number;
  /** Called for every finished call, e.g. the access log; must not block. */
  onCall?: (call: CallRecord) => void;
  /** Counters and cache for rate limits, quotas and caching; default: a private in-memory store. */
  counters?: CounterStore;
  /** The portal's public URL, for cors `allowPortalOrigin` (known only once the portal listens). */
  portalUrl?: () => string | undefined;
  /** Extra readiness (configuration freshness, Redis): `/readyz` answers 503 unless `ready`. */
  readiness?: () => { ready: boolean; checks: Record<string, unknown> };
  /** Prometheus text at `/metrics`, for callers that `allowed` accepts (others get a 404). */
  metrics?: { render(): string; allowed(req: IncomingMessage): boolean };
  /** Clock and sleep for policies; tests inject fakes. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Snapshot {
  version: string;
  router: Router;
  keys: KeyCache;
  policies: CompiledPolicies;
}

export interface Gateway {
  handle(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Applies a new catalog; in-flight calls finish on the old one. */
  configure(catalog: Catalog): void;
  readonly version: string | null;
  /** Counts kept by the policy engine (store failures, expression failures). */
  readonly policyStats: PolicyStats;
  close(): Promise<void>;
}

// Per-socket byte counters, so a keep-alive connection's later calls are
// charged only for their own bytes.
const MARK = Symbol("portico.bytesMark");
type MarkedSocket = Socket & { [MARK]?: { read: number; written: number } };

/** What a call's end needs, kept on its response so that one shared listener serves every call (no closure per call). */
interface CallEnd {
  event: CallRecord;
  started: number;
  socket: MarkedSocket;
  usage: UsageSink;
  onCall: ((call: CallRecord) => void) | undefined;
}
const CALL = Symbol("portico.call");
type CallResponse = ServerResponse & { [CALL]?: CallEnd };

/** The response closed (answered, or the caller went away): completes the call's record and hands it on. */
function callClosed(this: CallResponse): void {
  const end = this[CALL]!;
  const { event, socket } = end;
  event.latencyMs = performance.now() - end.started;
  event.status = this.writableFinished ? this.statusCode : this.headersSent ? this.statusCode : 499;
  // The error the gateway answered with (if any) says whether it refused the call or the backend failed.
  const code = event.errorCode;
  const backendError = code === ErrorCode.BACKEND_TIMEOUT || code === ErrorCode.BACKEND_UNREACHABLE || code === ErrorCode.BACKEND_ERROR;
  const blocked = code !== undefined && !backendError && code !== ErrorCode.INTERNAL;
  event.outcome = classifyOutcome(event.status, { refusedByGateway: blocked, backendError });
  const mark = (socket[MARK] ??= { read: 0, written: 0 });
  event.bytesIn = socket.bytesRead - mark.read;
  event.bytesOut = socket.bytesWritten - mark.written;
  mark.read = socket.bytesRead;
  mark.written = socket.bytesWritten;
  if (event.apiId !== "") end.usage.record(event);
  end.onCall?.(event);
}

/** Answers the call with a gateway error, noting its code in the call's record. */
function failCall(res: ServerResponse, event: CallRecord, code: ErrorCode, message: string, headers?: Record<string, string>): void {
  event.errorCode = code;
  sendError(res, code, message, event.requestId, headers);
}

export function createGateway(options: GatewayOptions): Gateway {
  const { logger, keys, usage } = options;
  const trusted: IpMatcher = compileIpMatcher(options.trustedProxies, "PORTICO_TRUSTED_PROXIES");
  const backendTimeoutMs = options.backendTimeoutMs ?? 60_000;
  const pools = new BackendPools();
  let snapshot: Snapshot | null = null;
  const ownCounters = options.counters === undefined ? new MemoryCounterStore() : null;
  const policyEnv: PolicyEnv = {
    counters: options.counters ?? ownCounters!,
    logger,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    portalUrl: options.portalUrl ?? (() => undefined),
    stats: { storeErrorsAllowed: 0, storeErrorsDenied: 0, expressionErrors: 0 },
    shared: new Map(),
  };

  const runContext: RunContext = { pools, logger };

  /** Compiles routes and policies; throws (keeping the old snapshot) when policies cannot be built. */
  function configure(catalog: Catalog): void {
    const router = compileRouter(catalog);
    const policies = compilePolicies(catalog, policyEnv, POLICY_DEFINITIONS);
    const origins = new Set<string>(policies.origins);
    for (const api of router.apis.values()) for (const v of api.versions.values()) origins.add(v.origin);
    snapshot = { version: catalog.version, router, keys, policies };
    pools.retain(origins);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const time = Date.now();
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    const socket = req.socket as MarkedSocket;
    const peer = socket.remoteAddress ?? "";
    const fromTrusted = trusted(peer);
    const clientIp = fromTrusted ? clientIpFrom(req.headers["x-forwarded-for"], peer, trusted) : peer;

    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const rawPath = q === -1 ? url : url.slice(0, q);
    let rawQuery = q === -1 ? "" : url.slice(q + 1);

    const event: CallRecord = {
      at: time,
      requestId,
      userId: null,
      subscriptionId: null,
      productId: null,
      apiId: "",
      operationId: null,
      method: req.method ?? "GET",
      path: rawPath,
      status: 0,
      outcome: "success",
      latencyMs: 0,
      backendLatencyMs: 0,
      bytesIn: 0,
      bytesOut: 0,
      clientIp,
    };

    (res as CallResponse)[CALL] = { event, started, socket, usage, onCall: options.onCall };
    // 'close' comes once per response.
    res.on("close", callClosed);

    if (rawPath === "/healthz") {
      sendJson(res, 200, { status: "ok" }, requestId);
      return;
    }
    if (rawPath === "/readyz") {
      const extra = options.readiness?.() ?? { ready: true, checks: {} };
      const ready = snapshot !== null && extra.ready;
      sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", configVersion: snapshot?.version ?? null, checks: extra.checks }, requestId);
      return;
    }
    if (rawPath === "/metrics" && options.metrics !== undefined) {
      // Metrics name every API, hidden ones too: only for the operator.
      if (!options.metrics.allowed(req)) {
        failCall(res, event, ErrorCode.API_NOT_FOUND, "Resource not found.");
        return;
      }
      const text = options.metrics.render();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
      res.end(text);
      return;
    }

    const current = snapshot;
    if (current === null) {
      failCall(res, event, ErrorCode.NOT_READY, "The gateway has no configuration yet. Try again shortly.");
      return;
    }

    // A CORS preflight is answered before the key is checked: browsers never send one with it.
    if (event.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined && answerPreflight(current, req, res, rawPath, rawQuery, requestId)) return;

    const admitted = admit(current, req, event.method, rawPath, rawQuery);
    if (admitted.kind === "refused") {
      if (admitted.apiId !== undefined) event.apiId = admitted.apiId;
      if (admitted.operationId !== undefined) event.operationId = admitted.operationId;
      failCall(res, event, admitted.code, admitted.message, withCors(current, req, admitted, admitted.headers));
      return;
    }
    const { route, entry } = admitted;
    rawQuery = admitted.rawQuery;
    const api = route.api;
    event.apiId = api.api.id;
    event.operationId = route.operation.id;
    event.productId = admitted.productId;
    if (entry) {
      event.subscriptionId = entry.subscriptionId;
      event.userId = entry.userId;
    }

    const version = route.version;
    const headers = forwardHeaders(req, api, fromTrusted, peer);
    const pipeline = current.policies.pipeline(route.operation, admitted.productId);
    if (pipeline !== null) {
      const ex = new Exchange({
        requestId,
        method: event.method,
        clientIp,
        path: rawPath,
        api: api.api,
        versionId: version.version.id,
        operation: route.operation,
        params: route.params,
        subscriptionId: entry?.subscriptionId ?? null,
        userId: entry?.userId ?? null,
        productId: admitted.productId,
        record: event,
        backendPath: route.backendPath,
        rawQuery,
        headers,
        origin: version.origin,
        basePath: version.basePath,
        timeoutMs: backendTimeoutMs,
        closeSource: res,
      });
      runPipeline(pipeline, ex, req, res, runContext);
      return;
    }
    const hasBody = req.headers["content-length"] !== undefined ? req.headers["content-length"] !== "0" : req.headers["transfer-encoding"] !== undefined;
    void forward(
      pools.get(version.origin),
      {
        method: event.method,
        path: version.basePath + route.backendPath + (rawQuery === "" ? "" : "?" + rawQuery),
        headers: [...headers, "x-request-id", requestId],
        body: hasBody ? req : null,
        timeoutMs: backendTimeoutMs,
        responseHeaders: [["x-request-id", requestId]],
      },
      res,
    ).then((outcome) => {
      event.backendLatencyMs = Math.max(0, outcome.backendMs);
      if (outcome.kind === "timeout" && !outcome.headersSent) {
        failCall(res, event, ErrorCode.BACKEND_TIMEOUT, "The backend did not answer in time.");
      } else if (outcome.kind === "unreachable" && !outcome.headersSent) {
        logger.warn("backend unreachable", { requestId, api: api.api.id, origin: version.origin, error: outcome.error.message });
        failCall(res, event, ErrorCode.BACKEND_UNREACHABLE, "The backend could not be reached.");
      }
    });
  }

  /**
   * A WebSocket (or other) upgrade: admitted exactly like a call, then the
   * backend's 101 is relayed and the two sockets are piped together.
   */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    const current = snapshot;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const refuse = (code: ErrorCode, message: string, headers: Record<string, string> = {}) => {
      const body = JSON.stringify(errorBody(code, message, requestId));
      let extra = "";
      for (const [name, value] of Object.entries(headers)) extra += `${name}: ${value}\r\n`;
      socket.end(
        `HTTP/1.1 ${errorBody(code, message).statusCode} Refused\r\ncontent-type: application/json; charset=utf-8\r\n${extra}` +
          `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    if (current === null) return refuse(ErrorCode.NOT_READY, "The gateway has no configuration yet. Try again shortly.");
    const rawPath = q === -1 ? url : url.slice(0, q);
    const admitted = admit(current, req, req.method ?? "GET", rawPath, q === -1 ? "" : url.slice(q + 1));
    if (admitted.kind === "refused") return refuse(admitted.code, admitted.message);
    const { route } = admitted;
    const version = route.version;
    const peer = (socket as Socket).remoteAddress ?? "";
    const fromTrusted = trusted(peer);
    const headers = forwardHeaders(req, route.api, fromTrusted, peer);
    socket.on("error", () => socket.destroy());
    const connect = (t: { path: string; headers: string[]; origin: string }) => connectUpgrade(req, socket, head, requestId, route.api.api.id, t, refuse);
    const target = { path: version.basePath + route.backendPath + (admitted.rawQuery === "" ? "" : "?" + admitted.rawQuery), headers, origin: version.origin };
    const pipeline = current.policies.pipeline(route.operation, admitted.productId);
    if (pipeline === null) return connect(target);
    // Inbound policies guard upgrades too (ip-filter, validate-jwt, limits);
    // an answer or a failure refuses the upgrade. There is no outbound.
    const ex = new Exchange({
      requestId,
      method: req.method ?? "GET",
      clientIp: fromTrusted ? clientIpFrom(req.headers["x-forwarded-for"], peer, trusted) : peer,
      path: rawPath,
      api: route.api.api,
      versionId: version.version.id,
      operation: route.operation,
      params: route.params,
      subscriptionId: admitted.entry?.subscriptionId ?? null,
      userId: admitted.entry?.userId ?? null,
      productId: admitted.productId,
      record: upgradeRecord(requestId, req, route.api.api.id, route.operation.id, peer),
      backendPath: route.backendPath,
      rawQuery: admitted.rawQuery,
      headers,
      origin: version.origin,
      basePath: version.basePath,
      timeoutMs: backendTimeoutMs,
      closeSource: socket,
    });
    const decided = (stop: Awaited<ReturnType<typeof runSteps>>) => {
      if (stop === undefined) {
        return connect({ path: ex.basePath + ex.backendPath + (ex.rawQuery === "" ? "" : "?" + ex.rawQuery), headers: ex.headers, origin: ex.origin });
      }
      if (stop.kind === "fail") return refuse(stop.failure.code, stop.failure.message, stop.failure.headers);
      const status = stop.answer.status;
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-length: ${stop.answer.body.length}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${stop.answer.body.toString("latin1")}`);
    };
    const result = runSteps(pipeline.inbound, ex, pipeline);
    if (result instanceof Promise) result.then(decided, () => refuse(ErrorCode.INTERNAL, "The gateway failed to process this call."));
    else decided(result);
  }

  function connectUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, requestId: string, apiId: string, target: { path: string; headers: string[]; origin: string }, refuse: (code: ErrorCode, message: string) => void): void {
    pools
      .get(target.origin)
      .upgrade({
        path: target.path,
        method: req.method ?? "GET",
        headers: [...target.headers, "x-request-id", requestId],
        protocol: String(req.headers.upgrade ?? "websocket"),
      })
      .then(
        ({ headers: answer, socket: upstream }) => {
          let head101 = "HTTP/1.1 101 Switching Protocols\r\n";
          for (const [name, value] of Object.entries(answer)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) head101 += `${name}: ${v}\r\n`;
          }
          socket.write(head101 + `x-request-id: ${requestId}\r\n\r\n`);
          if (head.length > 0) upstream.write(head);
          upstream.on("error", () => socket.destroy());
          // An upgraded connection can relay any amount of data.
          largeBodies.opened();
          socket.once("close", largeBodies.closed);
          socket.on("close", () => upstream.destroy());
          upstream.on("close", () => socket.destroy());
          upstream.pipe(socket);
          socket.pipe(upstream);
        },
        (err: Error) => {
          logger.warn("upgrade refused by backend", { requestId, api: apiId, error: err.message });
          refuse(ErrorCode.BACKEND_UNREACHABLE, "The backend refused or failed the upgrade.");
        },
      );
  }

  return {
    handle,
    handleUpgrade,
    configure,
    get version() {
      return snapshot?.version ?? null;
    },
    policyStats: policyEnv.stats,
    close: async () => {
      await pools.close();
      await ownCounters?.close();
    },
  };
}

/**
 * Answers a CORS preflight with the cors policy that applies to the
 * operation the browser asks about (without a key: the global, API and
 * operation scopes, and the open product's). Returns false, leaving the
 * call to normal admission, when no cors policy applies.
 */
function answerPreflight(current: Snapshot, req: IncomingMessage, res: ServerResponse, rawPath: string, rawQuery: string, requestId: string): boolean {
  const origin = req.headers.origin;
  const method = req.headers["access-control-request-method"];
  if (typeof origin !== "string" || typeof method !== "string") return false;
  const route = current.router.match(method, rawPath, (name) => headerValue(req, name), rawQuery);
  if (route.kind !== "matched") return false;
  const cors = current.policies.pipeline(route.operation, route.api.keylessProduct)?.cors;
  if (cors === undefined || cors === null) return false;
  const answer = cors.preflight(origin, method.toUpperCase(), headerValue(req, "access-control-request-headers"));
  res.writeHead(answer.status, [...answer.headers, "x-request-id", requestId, "content-length", String(answer.body.length)]);
  res.end(answer.body);
  return true;
}

/** Adds the CORS headers of the operation's keyless pipeline to a refusal, so a page can read why it was refused. */
function withCors(current: Snapshot, req: IncomingMessage, refused: Extract<Admission, { kind: "refused" }>, headers: Record<string, string> | undefined): Record<string, string> | undefined {
  const origin = req.headers.origin;
  if (typeof origin !== "string" || refused.route === undefined) return headers;
  const pipeline: Pipeline | null = current.policies.pipeline(refused.route.operation, refused.route.api.keylessProduct);
  const extra = pipeline?.cors?.actualHeaders(origin);
  if (extra === undefined || extra === null) return headers;
  const out = { ...headers };
  for (let i = 0; i < extra.length; i += 2) out[extra[i]!] = extra[i + 1]!;
  return out;
}

/** A usage-less record for an upgrade's policies (bandwidth is not counted on upgraded sockets). */
function upgradeRecord(requestId: string, req: IncomingMessage, apiId: string, operationId: string, clientIp: string): CallRecord {
  return {
    at: Date.now(),
    requestId,
    userId: null,
    subscriptionId: null,
    productId: null,
    apiId,
    operationId,
    method: req.method ?? "GET",
    path: req.url ?? "/",
    status: 101,
    outcome: "success",
    latencyMs: 0,
    backendLatencyMs: 0,
    bytesIn: 0,
    bytesOut: 0,
    clientIp,
  };
}

type Admission =
  | {
      kind: "admitted";
      route: Extract<RouteResult, { kind: "matched" }>;
      entry: KeyEntry | undefined;
      productId: string | null;
      /** The query without the key parameter. */
      rawQuery: string;
    }
  | {
      kind: "refused";
      code: ErrorCode;
      message: string;
      headers?: Record<string, string>;
      apiId?: string;
      operationId?: string;
      /** The matched route, when the refusal is about the key (its CORS headers still apply). */
      route?: Extract<RouteResult, { kind: "matched" }>;
    };

/**
 * Matches the call and checks its key. A key is always checked when one is
 * sent, even where none is needed, so that the call is attributed to its
 * subscription and its product's policies apply.
 */
function admit(current: Snapshot, req: IncomingMessage, method: string, rawPath: string, rawQuery: string): Admission {
  const route = current.router.match(method, rawPath, (name) => headerValue(req, name), rawQuery);
  switch (route.kind) {
    case "malformed":
      return { kind: "refused", code: ErrorCode.MALFORMED_URL, message: route.message };
    case "no-api":
      return { kind: "refused", code: ErrorCode.API_NOT_FOUND, message: "Resource not found." };
    case "no-version":
      return { kind: "refused", code: ErrorCode.API_NOT_FOUND, message: "Resource not found: the API version named by the request does not exist.", apiId: route.api.api.id };
    case "no-operation":
      return { kind: "refused", code: ErrorCode.OPERATION_NOT_FOUND, message: "Resource not found: no operation matches this method and path.", apiId: route.api.api.id };
  }
  const api = route.api;
  let key = headerValue(req, api.keyHeader);
  let query = rawQuery;
  if (query !== "") {
    const taken = takeQueryParam(query, api.keyQuery);
    query = taken.rest;
    if (key === undefined) key = taken.value;
  }
  const ids = { apiId: api.api.id, operationId: route.operation.id, route };
  if (key !== undefined && key !== "") {
    const entry = current.keys.lookup(key);
    if (entry === undefined || !api.products.has(entry.productId)) {
      return { kind: "refused", code: ErrorCode.INVALID_SUBSCRIPTION_KEY, message: INVALID_KEY_MESSAGE, headers: keyChallenge(api), ...ids };
    }
    return { kind: "admitted", route, entry, productId: entry.productId, rawQuery: query };
  }
  if (key === "" || !api.keyless) {
    return { kind: "refused", code: ErrorCode.MISSING_SUBSCRIPTION_KEY, message: MISSING_KEY_MESSAGE, headers: keyChallenge(api), ...ids };
  }
  return { kind: "admitted", route, entry: undefined, productId: api.keylessProduct, rawQuery: query };
}

function headerValue(req: IncomingMessage, lowerName: string): string | undefined {
  const v = req.headers[lowerName];
  return Array.isArray(v) ? v.join(", ") : v;
}

function keyChallenge(api: CompiledApi): Record<string, string> {
  return { "WWW-Authenticate": `SubscriptionKey header="${api.api.subscription.header}", query="${api.keyQuery}"` };
}

/**
 * The client's address: with a trusted proxy in front, the right-most
 * address in X-Forwarded-For that is not itself a trusted proxy.
 */
function clientIpFrom(xff: string | string[] | undefined, peer: string, trusted: IpMatcher): string {
  if (xff === undefined) return peer;
  const hops = (Array.isArray(xff) ? xff.join(",") : xff).split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trusted(hops[i]!)) return hops[i]!;
  return hops[0] ?? peer;
}

/** The caller's headers minus hop-by-hop ones, the key and the portal's cookies; plus X-Forwarded-*. */
function forwardHeaders(req: IncomingMessage, api: CompiledApi, fromTrusted: boolean, peer: string): string[] {
  const raw = req.rawHeaders;
  const listed = connectionListed(req.headers.connection);
  const out: string[] = [];
  let xff: string | undefined;
  let xfProto: string | undefined;
  let xfHost: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (isHopByHop(lower, listed) || lower === api.keyHeader || lower === "host") continue;
    if (lower === "x-forwarded-for") {
      if (fromTrusted) xff = xff === undefined ? value : `${xff}, ${value}`;
      continue;
    }
    if (lower === "x-forwarded-proto") {
      if (fromTrusted) xfProto = value;
      continue;
    }
    if (lower === "x-forwarded-host") {
      if (fromTrusted) xfHost = value;
      continue;
    }
    if (lower === "x-request-id") continue;
    if (lower === "cookie") {
      const kept = value
        .split(";")
        .map((c) => c.trim())
        .filter((c) => c !== "" && !PORTAL_COOKIE.test(c.slice(0, Math.max(0, c.indexOf("=")))));
      if (kept.length > 0) out.push(name, kept.join("; "));
      continue;
    }
    out.push(name, value);
  }
  const address = peer.startsWith("::ffff:") ? peer.slice(7) : peer;
  out.push("x-forwarded-for", xff === undefined ? address : `${xff}, ${address}`);
  out.push("x-forwarded-proto", xfProto ?? ((req.socket as { encrypted?: boolean }).encrypted ? "https" : "http"));
  const host = xfHost ?? req.headers.host;
  if (host !== undefined) out.push("x-forwarded-host", host);
  return out;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, requestId: string, headers?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-request-id": requestId,
    "cache-control": "no-store",
  });
  res.end(text);
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string, requestId: string, headers?: Record<string, string>): void {
  const body = errorBody(code, message, requestId);
  sendJson(res, body.statusCode, body, requestId, headers);
}
