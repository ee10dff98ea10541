/**
 * Composes one service process in one of three roles:
 *
 * - `all` (default): demo backend, store, management API, portal and the
 *   gateway, in one process.
 * - `control`: the same without the gateway listener; gateway nodes follow
 *   it through the cluster routes (PORTICO_CLUSTER_TOKEN).
 * - `gateway`: only the gateway listener. Its configuration (catalog, key
 *   hashes) comes from a control plane and is kept on disk; its usage goes
 *   back to the control plane, spooled on disk while it is away. It never
 *   opens the database.
 *
 * `startService` returns once everything listens; `close` drains and stops
 * in the reverse order, so no usage is lost on a clean shutdown.
 */
import type { IncomingMessage, Server } from "node:http";
import path from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import type { Context, Hono } from "hono";
import type { Groups } from "../accounts/visibility.ts";
import { ClusterHub } from "../cluster/hub.ts";
import { ClusterSync } from "../cluster/sync.ts";
import { UsageShipper } from "../cluster/usage-shipper.ts";
import type { ServiceConfig } from "../config.ts";
import type { CounterStore } from "../counters/counter-store.ts";
import { MemoryCounterStore } from "../counters/memory.ts";
import { RedisCounterStore } from "../counters/redis.ts";
import { startDemoBackend, type DemoBackend } from "../demo/backend.ts";
import { ConfigError } from "../errors.ts";
import { AccessLog } from "../gateway/access-log.ts";
import { createGateway, type Gateway } from "../gateway/gateway.ts";
import { hmacKeyHasher, KeyCache } from "../gateway/key-cache.ts";
import { createGatewayServer, type ListenerLimits } from "../gateway/listener.ts";
import type { Logger } from "../log.ts";
import type { Catalog } from "../model/catalog.ts";
import { loadCatalogDeep } from "../model/load-deep.ts";
import { formatProblems } from "../model/validate.ts";
import { addUsageBatch, getKeyEntries, listActiveKeyEntries, loadSecrets, openStore, pruneUsageBatches, type Secrets, type Store } from "../store/index.ts";
import type { CallRecord } from "../usage/event.ts";
import { UsageRecorder, type UsageWriter } from "../usage/recorder.ts";
import { createControlApp, type ControlEnv } from "./control-app.ts";
import { drain, listen } from "./http.ts";
import { createServiceMetrics, metricsAccess, type ServiceMetrics } from "./observability.ts";
import { loadPortalSites, type PortalSites } from "./portal-sites.ts";

export type Role = "all" | "control" | "gateway";

/** Everything a management route may need; built once per control-plane process. */
export interface ServiceContext {
  config: ServiceConfig;
  logger: Logger;
  store: Store;
  secrets: Secrets;
  keys: KeyCache;
  usage: UsageRecorder;
  /** Rate limits, quotas, throttles and the response cache: memory, or Redis in a cluster. */
  counters: CounterStore;
  catalog: () => Catalog;
  /** Public URLs as the outside world sees them. */
  urls: { portal: string; gateway: string };
  /** Swaps in a new catalog (dev reload); in-flight calls finish on the old one; gateway nodes follow. */
  setCatalog(next: Catalog): void;
  /** Re-indexes the built portal after a rebuild. */
  reloadSite(): Promise<void>;
  /**
   * Tells every gateway that a subscription changed (created, activated,
   * key regenerated, cancelled, ...): its keys are re-read from the store,
   * so a dead key stops working at once, here and on every gateway node.
   * Call after every such change.
   */
  subscriptionChanged(subscriptionId: string): Promise<void>;
}

export interface StartOptions {
  role: Role;
  logger: Logger;
  /** Environment for `${NAME}` in content; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Overrides of the gateway listener's limits (tests use short timeouts). */
  gatewayLimits?: Partial<ListenerLimits>;
  /** Registers the management API; set by the accounts layer. */
  registerManagement?: (app: Hono<ControlEnv>, ctx: ServiceContext) => ManagementHooks | void;
}

/**
 * Work the management layer runs beside the control listener: `start`
 * before it listens (the first administrator), `close` after it drained
 * (housekeeping timers, the mail transport), before the store closes.
 */
export interface ManagementHooks {
  start(): Promise<void>;
  close(): Promise<void>;
  /** The groups of the caller's session (null for a guest): which portal tree they are served. */
  viewer?(c: Context): Promise<Groups | null>;
}

export interface RunningService {
  ports: { control?: number; gateway?: number; demo?: number };
  /** The control plane's context; undefined on a gateway-only node. */
  context?: ServiceContext;
  gateway?: Gateway;
  metrics: ServiceMetrics;
  /** A gateway node's link to its control plane. */
  sync?: ClusterSync;
  shipper?: UsageShipper;
  close(): Promise<void>;
}

export class ContentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContentError";
  }
}

const DRAIN_MS = 8_000;

/** Stops what was started, newest first, logging (not throwing) failures. */
class Closers {
  #list: Array<() => Promise<void>> = [];
  #logger: Logger;
  constructor(logger: Logger) {
    this.#logger = logger;
  }
  push(close: () => Promise<void>): void {
    this.#list.push(close);
  }
  async closeAll(): Promise<void> {
    for (const close of this.#list.reverse()) {
      try {
        await close();
      } catch (err) {
        this.#logger.error("error while stopping", { err });
      }
    }
    this.#list = [];
  }
}

export async function startService(config: ServiceConfig, options: StartOptions): Promise<RunningService> {
  const closers = new Closers(options.logger);
  try {
    return options.role === "gateway" ? await startGatewayNode(config, options, closers) : await startControlPlane(config, options, closers);
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}

/** Memory for one node, Redis (shared by every node) when PORTICO_REDIS_URL is set. */
async function openCounters(config: ServiceConfig, logger: Logger, closers: Closers): Promise<CounterStore> {
  if (config.redisUrl === undefined) {
    const memory = new MemoryCounterStore();
    closers.push(() => memory.close());
    return memory;
  }
  const redis = new RedisCounterStore({ url: config.redisUrl, prefix: config.redisPrefix, logger });
  closers.push(() => redis.close());
  // Not fatal: limits fail open or closed per policy until Redis answers.
  if (!(await redis.ready(3_000))) logger.warn("Redis is not reachable yet; limits follow their onStoreError setting until it is", { redis: redactRedis(config.redisUrl) });
  else logger.info("counters in Redis", { redis: redactRedis(config.redisUrl) });
  return redis;
}

function redactRedis(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    u.username = "";
    return u.toString();
  } catch {
    return "redis";
  }
}

interface GatewayParts {
  gateway: Gateway;
  port: number;
}

/** The gateway listener, wired to metrics and the access log. */
async function startGatewayListener(
  config: ServiceConfig,
  options: StartOptions,
  closers: Closers,
  parts: {
    keys: KeyCache;
    usage: UsageRecorder;
    counters: CounterStore;
    metrics: ServiceMetrics;
    portalUrl: () => string | undefined;
    readiness?: () => { ready: boolean; checks: Record<string, unknown> };
  },
): Promise<GatewayParts> {
  const accessLog = config.accessLog ? new AccessLog({ sample: config.accessLogSample }) : undefined;
  const onCall = accessLog ? (call: CallRecord) => (parts.metrics.onCall(call), accessLog.record(call)) : parts.metrics.onCall;
  const allowed = metricsAccess(config.metricsToken);
  const gateway = createGateway({
    logger: options.logger,
    keys: parts.keys,
    usage: parts.usage,
    trustedProxies: config.trustedProxies,
    onCall,
    counters: parts.counters,
    portalUrl: parts.portalUrl,
    readiness: parts.readiness,
    metrics: { render: () => parts.metrics.registry.render(), allowed: (req: IncomingMessage) => allowed(req) },
  });
  const server = createGatewayServer(gateway, options.logger, options.gatewayLimits);
  closers.push(async () => {
    await drain(server, DRAIN_MS);
    await gateway.close();
  });
  const port = await listen(server, config.gatewayPort, config.host);
  return { gateway, port };
}

function addRuntimeGauges(metrics: ServiceMetrics, parts: { usage: UsageRecorder; counters: CounterStore; keys: KeyCache; gateway?: () => Gateway | undefined; version: () => string | null }): void {
  const r = metrics.registry;
  r.gauge("portico_gateway_subscriptions", "Subscriptions whose keys this gateway accepts (it learns of changes through the control plane).", () => parts.keys.size);
  r.gauge("portico_usage_recorded_total", "Calls recorded for usage analytics.", () => parts.usage.stats.recorded);
  r.gauge("portico_usage_written_total", "Calls written to the usage store (or sent to the control plane).", () => parts.usage.stats.written);
  r.gauge("portico_usage_dropped_total", "Calls dropped from usage analytics (buffer full or unwritable at shutdown).", () => parts.usage.stats.dropped);
  r.gauge("portico_usage_pending_rows", "Usage rows waiting for the next flush.", () => parts.usage.stats.pendingRows);
  r.gauge("portico_config_info", "The configuration in use (label: version).", () => [[{ version: parts.version() ?? "none" }, 1]]);
  const counters = parts.counters;
  if (counters instanceof RedisCounterStore) {
    r.gauge("portico_redis_errors_total", "Errors talking to Redis.", () => counters.stats.errors);
    r.gauge("portico_redis_connected", "1 when Redis is connected.", () => (counters.stats.connected ? 1 : 0));
  }
  r.gauge("portico_policy_store_errors_total", "Counter-store failures met by policies, by what they did.", () => {
    const stats = parts.gateway?.()?.policyStats;
    return stats ? [[{ action: "allowed" }, stats.storeErrorsAllowed], [{ action: "denied" }, stats.storeErrorsDenied]] : [];
  });
  r.gauge("portico_policy_expression_errors_total", "Policy expressions that failed while running.", () => parts.gateway?.()?.policyStats.expressionErrors ?? 0);
}

function redisReadiness(counters: CounterStore): Record<string, unknown> {
  return counters instanceof RedisCounterStore ? { redis: counters.stats.connected } : {};
}

async function startControlPlane(config: ServiceConfig, options: StartOptions, closers: Closers): Promise<RunningService> {
  const { logger, role } = options;
  // The demo backend starts first so that content can name its real port.
  let demo: DemoBackend | undefined;
  const env = { ...(options.env ?? process.env) };
  if (config.demo) {
    demo = await startDemoBackend({ port: config.demoPort, host: config.host });
    closers.push(() => demo!.close());
    env.PORTICO_DEMO_PORT = String(demo.port);
    logger.info("demo backend listening", { url: `http://localhost:${demo.port}` });
  }

  const loaded = await loadCatalogDeep(config.contentDir, { themesDir: config.themesDir, env });
  if (!loaded.catalog) throw new ContentError(`the content has errors:\n${formatProblems(loaded.problems)}`);
  for (const p of loaded.problems) logger.warn("content warning", { at: `${p.file}:${p.line}:${p.column}`, message: p.message });
  let catalog = loaded.catalog;

  const store = await openStore({ dataDir: config.dataDir, url: config.dbUrl, authToken: config.dbToken });
  closers.push(() => store.close());
  const secrets = await loadSecrets({ dataDir: config.dataDir, env });
  logger.info("store opened", { db: store.url });

  const keys = new KeyCache(hmacKeyHasher(secrets.keyHashSecret));
  keys.replaceAll(await listActiveKeyEntries(store));
  const counters = await openCounters(config, logger, closers);
  const metrics = createServiceMetrics();

  const usage = new UsageRecorder({ logger, flushMs: config.usageFlushMs, write: async (rows) => void (await addUsageBatch(store, rows)) });
  usage.start();
  closers.push(() => usage.close());

  const ports: RunningService["ports"] = { demo: demo?.port };
  let gateway: Gateway | undefined;
  let hub: ClusterHub | undefined;
  let site: PortalSites | undefined;
  const urls = { portal: catalog.portal.url ?? `http://localhost:${config.controlPort}`, gateway: catalog.portal.gatewayUrl ?? `http://localhost:${config.gatewayPort}` };

  const context: ServiceContext = {
    config,
    logger,
    store,
    secrets,
    keys,
    usage,
    counters,
    catalog: () => catalog,
    urls,
    setCatalog(next) {
      catalog = next;
      gateway?.configure(next);
      hub?.broadcast({ type: "catalog", version: next.version });
    },
    async subscriptionChanged(subscriptionId) {
      const entries = await getKeyEntries(store, subscriptionId);
      keys.setSubscription(subscriptionId, entries);
      hub?.broadcast({ type: "keys", subscriptionId, entries });
    },
    async reloadSite() {
      if (site !== undefined) site = await loadPortalSites(config.distDir, logger);
    },
  };
  addRuntimeGauges(metrics, { usage, counters, keys, gateway: () => gateway, version: () => catalog.version });

  if (config.clusterToken !== undefined) {
    const keyHashSecret = encodeBase64urlNoPadding(secrets.keyHashSecret);
    hub = new ClusterHub({
      token: config.clusterToken,
      logger,
      snapshot: () => ({ format: 1, issuedAt: new Date().toISOString(), portalUrl: urls.portal, keyHashSecret, catalog, keys: keys.entries() }),
      addUsage: async (batchId, rows) => void (await addUsageBatch(store, rows, { batchId })),
    });
    closers.push(async () => hub!.close());
    metrics.registry.gauge("portico_cluster_nodes_connected", "Gateway nodes following this control plane.", () => hub!.connectedNodes);
    // Batch ids only guard retries, which happen within minutes.
    const prune = setInterval(() => void pruneUsageBatches(store, new Date(Date.now() - 86_400_000)).catch(() => {}), 3_600_000);
    prune.unref();
    closers.push(async () => clearInterval(prune));
  } else if (role === "control") {
    logger.warn("--role control without PORTICO_CLUSTER_TOKEN: no gateway node can follow this control plane");
  }

  if (role === "all") {
    const started = await startGatewayListener(config, options, closers, { keys, usage, counters, metrics, portalUrl: () => urls.portal, readiness: () => ({ ready: true, checks: redisReadiness(counters) }) });
    gateway = started.gateway;
    gateway.configure(catalog);
    ports.gateway = started.port;
    if (catalog.portal.gatewayUrl === undefined) urls.gateway = `http://localhost:${started.port}`;
  }

  let hooks: ManagementHooks | undefined;
  site = await loadPortalSites(config.distDir, logger);
  if (site.public.files.size === 0) logger.warn("the portal is not built; run `portico build`", { dist: config.distDir });
  const allowedMetrics = metricsAccess(config.metricsToken);
  const app = createControlApp({
    logger,
    site: () => site!,
    viewer: () => hooks?.viewer,
    readiness: [
      { name: "content", check: () => catalog !== undefined },
      { name: "database", check: async () => (await store.client.execute("select 1")).rows.length === 1 },
      ...(counters instanceof RedisCounterStore ? [{ name: "redis", check: () => counters.stats.connected }] : []),
    ],
    metrics: { render: () => metrics.registry.render(), allowed: (req: Request, peer: string) => allowedMetrics(req, peer) },
    register: (a) => {
      hub?.register(a);
      if (options.registerManagement) hooks = options.registerManagement(a, context) ?? undefined;
    },
  });
  // Assigned inside the callback above, which TypeScript cannot follow.
  const h = hooks as ManagementHooks | undefined;
  if (h !== undefined) {
    closers.push(() => h.close());
    await h.start();
  }
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  closers.push(() => drain(server, DRAIN_MS));
  ports.control = await listen(server, config.controlPort, config.host);
  if (catalog.portal.url === undefined) urls.portal = `http://localhost:${ports.control}`;

  return { ports, context, gateway, metrics, close: () => closers.closeAll() };
}

async function startGatewayNode(config: ServiceConfig, options: StartOptions, closers: Closers): Promise<RunningService> {
  const { logger } = options;
  if (config.controlUrl === undefined) throw new ConfigError("--role gateway needs the control plane's URL: --control-url URL or PORTICO_CONTROL_URL");
  if (config.clusterToken === undefined) throw new ConfigError("--role gateway needs PORTICO_CLUSTER_TOKEN, the same as the control plane's");

  const counters = await openCounters(config, logger, closers);
  const metrics = createServiceMetrics();
  // The real hasher comes with the first snapshot (the cluster's secret).
  const keys = new KeyCache(() => "");
  const shipper = new UsageShipper({ controlUrl: config.controlUrl, token: config.clusterToken, spoolDir: path.join(config.dataDir, "usage-spool"), logger });
  await shipper.start();
  closers.push(() => shipper.close());
  const usage = new UsageRecorder({ logger, flushMs: config.usageFlushMs, write: shipper.write as UsageWriter });
  usage.start();
  closers.push(() => usage.close());
  metrics.registry.gauge("portico_usage_spooled_batches", "Usage batches waiting on disk for the control plane.", () => shipper.stats.spooledBatches);
  metrics.registry.gauge("portico_usage_spool_dropped_total", "Calls dropped because the usage spool was full.", () => shipper.stats.droppedCalls);

  let portalUrl: string | undefined;
  let sync: ClusterSync | undefined;
  const started = await startGatewayListener(config, options, closers, {
    keys,
    usage,
    counters,
    metrics,
    portalUrl: () => portalUrl,
    readiness: () => {
      const status = sync?.status;
      return { ready: status !== undefined && status.source !== "none", checks: { config: status, ...redisReadiness(counters) } };
    },
  });
  const gateway = started.gateway;
  addRuntimeGauges(metrics, { usage, counters, keys, gateway: () => gateway, version: () => gateway.version });

  sync = new ClusterSync({
    controlUrl: config.controlUrl,
    token: config.clusterToken,
    dataDir: config.dataDir,
    logger,
    applySnapshot: (snapshot) => {
      keys.setHasher(hmacKeyHasher(decodeBase64urlIgnorePadding(snapshot.keyHashSecret)));
      keys.replaceAll(snapshot.keys);
      portalUrl = snapshot.portalUrl;
      gateway.configure(snapshot.catalog);
    },
    applyKeys: (subscriptionId, entries) => keys.setSubscription(subscriptionId, entries),
  });
  closers.push(() => sync!.close());
  await sync.start();

  return { ports: { gateway: started.port }, gateway, metrics, sync, shipper, close: () => closers.closeAll() };
}
