/**
 * A real gateway on loopback for the policies' tests: one API (`/shop`)
 * with a few operations in front of a recording backend, a product `gold`
 * with two subscriptions (`key-a`, `key-b`), optionally an open product,
 * policy documents at every scope, and a fake clock. Tests call it over
 * HTTP and assert statuses, exact bodies and headers, and the backend's
 * hits, exactly as a consumer would see them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { StoreUnavailableError, type CounterStore } from "../counters/counter-store.ts";
import { MemoryCounterStore } from "../counters/memory.ts";
import { createGateway, type Gateway } from "../gateway/gateway.ts";
import { hmacKeyHasher, KeyCache } from "../gateway/key-cache.ts";
import { createGatewayServer } from "../gateway/listener.ts";
import { api, catalog, op, product, version } from "../gateway/test-catalog.ts";
import type { LogFields, Logger } from "../log.ts";
import type { Operation, PolicyDocument, PolicySection } from "../model/catalog.ts";
import { policyOptionSchemas } from "./schemas.ts";

export type DocInput = Partial<Record<PolicySection, Array<"base" | Record<string, unknown>>>>;

/**
 * A policy document as the loader would build it: each entry's options go
 * through the policy's schema (defaults applied), positions are made up
 * (`<scope>.yaml`, line = entry index + 1).
 */
export function policyDoc(input: DocInput = {}, file = "test.yaml"): PolicyDocument {
  const doc: PolicyDocument = { inbound: [], backend: [], outbound: [], "on-error": [] };
  for (const section of Object.keys(input) as PolicySection[]) {
    input[section]!.forEach((entry, i) => {
      const at = { file, line: i + 1, column: 5 };
      if (entry === "base") {
        doc[section].push({ kind: "base", at });
        return;
      }
      const [name, raw] = Object.entries(entry)[0]!;
      const schema = policyOptionSchemas[name];
      if (schema === undefined) throw new Error(`unknown policy ${name}`);
      const parsed = schema.safeParse(raw ?? {});
      if (!parsed.success) throw new Error(`${name}: ${parsed.error.message}`);
      doc[section].push({ kind: "policy", name, options: parsed.data, at });
    });
  }
  return doc;
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface TestBackend {
  url: string;
  requests: Recorded[];
  readonly hits: number;
  close(): Promise<void>;
}

export type BackendHandler = (req: Recorded, res: ServerResponse) => void;

/** Echoes the request as JSON: `{method, url, headers, body}`. */
const echo: BackendHandler = (req, res) => {
  const text = JSON.stringify(req);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
};

export async function startBackend(handler: BackendHandler = echo): Promise<TestBackend> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get hits() {
      return requests.length;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LogLine {
  level: string;
  msg: string;
  fields?: LogFields;
}

export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const logger: Logger & { lines: LogLine[] } = {
    lines,
    level: "debug",
    debug: (msg, fields) => void lines.push({ level: "debug", msg, fields }),
    info: (msg, fields) => void lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => void lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => void lines.push({ level: "error", msg, fields }),
    child: () => logger,
  };
  return logger;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export interface PolicyGateway {
  url: string;
  backend: TestBackend;
  gateway: Gateway;
  /** The fake clock: set `clock.now` (epoch ms) to move time. */
  clock: { now: number };
  logger: Logger & { lines: LogLine[] };
  sleeps: number[];
  call(path: string, init?: { method?: string; headers?: Record<string, string>; body?: string | Buffer; key?: string | null }): Promise<Answer>;
  close(): Promise<void>;
}

export interface PolicyGatewayOptions {
  global?: DocInput;
  /** Policies of product `gold`, which keys `key-a` and `key-b` belong to. */
  product?: DocInput;
  api?: DocInput;
  operations?: Record<string, DocInput>;
  /** Also an open product `open` with these policies: calls without a key are allowed. */
  open?: DocInput;
  backend?: BackendHandler;
  /** The API's operations; default: GET /items (listItems), GET /items/{id} (getItem), POST /items (createItem). */
  ops?: Operation[];
  /** The version's definition document (for $refs in operation schemas) and its OpenAPI version. */
  document?: Record<string, unknown>;
  specVersion?: string;
  counters?: CounterStore;
  portalUrl?: string;
  /** Start of the fake clock; default 2026-03-14T00:00:00Z. */
  now?: number;
  trustedProxies?: string[];
  backendTimeoutMs?: number;
  /** Use the real clock and real sleeps instead of the fake ones. */
  realTime?: boolean;
}

export const DEFAULT_NOW = Date.parse("2026-03-14T00:00:00Z");

export async function startPolicyGateway(options: PolicyGatewayOptions = {}): Promise<PolicyGateway> {
  const backend = await startBackend(options.backend);
  const hash = hmacKeyHasher("test");
  const keys = new KeyCache(hash);
  keys.replaceAll([
    { hash: hash("key-a"), slot: "primary", subscriptionId: "sub-a", productId: "gold", userId: "user-a", expiresAt: null },
    { hash: hash("key-b"), slot: "primary", subscriptionId: "sub-b", productId: "gold", userId: "user-b", expiresAt: null },
  ]);
  const clock = { now: options.now ?? DEFAULT_NOW };
  const logger = recordingLogger();
  const sleeps: number[] = [];
  const counters = options.counters ?? new MemoryCounterStore({ now: options.realTime ? Date.now : () => clock.now });
  const gateway = createGateway({
    logger,
    keys,
    usage: { record() {} },
    trustedProxies: options.trustedProxies ?? [],
    counters,
    portalUrl: () => options.portalUrl,
    now: options.realTime ? Date.now : () => clock.now,
    sleep: options.realTime
      ? undefined
      : async (ms) => {
          sleeps.push(ms);
        },
    backendTimeoutMs: options.backendTimeoutMs,
  });
  const ops = options.ops ?? [op("get", "/items", "listItems"), op("get", "/items/{id}", "getItem"), op("post", "/items", "createItem")];
  const v = version("", backend.url, ops);
  if (options.document !== undefined) v.document = options.document;
  if (options.specVersion !== undefined) v.specVersion = options.specVersion;
  const shop = api("shop", "/shop", [v], {
    policies: {
      api: policyDoc(options.api, "content/apis/shop/policies.yaml"),
      operations: Object.fromEntries(Object.entries(options.operations ?? {}).map(([id, d]) => [id, policyDoc(d, "content/apis/shop/policies.yaml")])),
    },
  });
  const products = [product("gold", ["shop"], { policies: policyDoc(options.product, "content/products/gold.md") })];
  if (options.open !== undefined) products.push(product("open", ["shop"], { subscriptionRequired: false, policies: policyDoc(options.open, "content/products/open.md") }));
  const c = catalog([shop], products);
  c.globalPolicies = policyDoc(options.global, "content/policies/global.yaml");
  gateway.configure(c);
  const server = createGatewayServer(gateway, logger);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    backend,
    gateway,
    clock,
    logger,
    sleeps,
    async call(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const key = init.key === undefined ? "key-a" : init.key;
      if (key !== null) headers["ocp-apim-subscription-key"] = key;
      const res = await request(url + path, { method: (init.method ?? "GET") as "GET", headers, body: init.body });
      const text = await res.body.text();
      return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      await backend.close();
      if (options.counters === undefined) await counters.close();
    },
  };
}

/** A counter store that is down: every call throws (or rejects with) StoreUnavailableError. */
export function downStore(mode: "throws" | "rejects" = "throws"): CounterStore & { calls: number } {
  const store = {
    kind: "redis" as const,
    calls: 0,
    fail(): never {
      store.calls++;
      throw new StoreUnavailableError("connect ECONNREFUSED 127.0.0.1:6379");
    },
    run<T>(): T {
      if (mode === "throws") return store.fail();
      store.calls++;
      return Promise.reject(new StoreUnavailableError("connect ECONNREFUSED 127.0.0.1:6379")) as T;
    },
    consumeSliding: () => store.run(),
    peekSliding: () => store.run(),
    consumeFixed: () => store.run(),
    consumeMany: () => store.run(),
    peekFixed: () => store.run(),
    addFixed: () => store.run(),
    acquire: () => store.run(),
    cacheGet: () => store.run(),
    cacheSet: () => store.run(),
    close: async () => {},
  };
  return store as unknown as CounterStore & { calls: number };
}
