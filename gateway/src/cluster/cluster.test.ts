/**
 * The cluster link over real HTTP: a control app with the hub, a gateway
 * node's sync and usage shipper, and the failure cases (control down, node
 * started while control is down, retried batches).
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAdaptorServer } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredKeyEntry } from "../gateway/key-cache.ts";
import { api, catalog, op, product, version } from "../gateway/test-catalog.ts";
import { silentLogger } from "../log.ts";
import { createControlApp } from "../server/control-app.ts";
import { listen } from "../server/http.ts";
import type { StaticSite } from "../server/static-site.ts";
import { publicOnly } from "../server/portal-sites.ts";
import { emptyUsageRow, type UsageRow } from "../usage/aggregate.ts";
import { ClusterHub } from "./hub.ts";
import type { ConfigSnapshot } from "./snapshot.ts";
import { ClusterSync } from "./sync.ts";
import { UsageShipper } from "./usage-shipper.ts";

const TOKEN = "cluster-test-token-0123456789";
const emptySite: StaticSite = { dir: "", files: new Map(), lookup: () => undefined };

const entry = (sub: string, hash: string): StoredKeyEntry => ({ hash, slot: "primary", subscriptionId: sub, productId: "basic", userId: "u", expiresAt: null });

function makeSnapshot(configVersion = "v1", keys: StoredKeyEntry[] = [entry("s1", "h1")]): ConfigSnapshot {
  const cat = catalog([api("status", "/status", [version("", "http://127.0.0.1:1", [op("get", "/health")])])], [product("basic", ["status"])]);
  cat.version = configVersion;
  return { format: 1, issuedAt: new Date().toISOString(), portalUrl: "http://localhost:4000", keyHashSecret: "c2VjcmV0", catalog: cat, keys };
}


interface Control {
  url: string;
  hub: ClusterHub;
  received: Map<string, UsageRow[]>;
  server: Server;
  stop(): Promise<void>;
}

async function startControl(snapshot: () => ConfigSnapshot, port = 0): Promise<Control> {
  const received = new Map<string, UsageRow[]>();
  const hub = new ClusterHub({
    token: TOKEN,
    logger: silentLogger,
    snapshot,
    heartbeatMs: 200,
    addUsage: async (batchId, rows) => void (received.has(batchId) || received.set(batchId, rows)),
  });
  const app = createControlApp({ logger: silentLogger, site: () => publicOnly(emptySite), readiness: [], register: (a) => hub.register(a) });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  const bound = await listen(server, port, "127.0.0.1");
  return {
    url: `http://127.0.0.1:${bound}`,
    hub,
    received,
    server,
    async stop() {
      hub.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "portico-cluster-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error("timed out"));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe("cluster: control hub", () => {
  it("refuses every route without the token, and with a wrong one", async () => {
    const control = await startControl(() => makeSnapshot());
    cleanups.push(control.stop);
    for (const auth of [undefined, "Bearer wrong", `Basic ${TOKEN}`]) {
      const res = await fetch(`${control.url}/cluster/v1/snapshot`, { headers: auth ? { authorization: auth } : {} });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { code: string }).code).toBe("UNAUTHENTICATED");
    }
    const ok = await fetch(`${control.url}/cluster/v1/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
  });

  it("refuses a malformed usage batch with 400 and details", async () => {
    const control = await startControl(() => makeSnapshot());
    cleanups.push(control.stop);
    const res = await fetch(`${control.url}/cluster/v1/usage`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ batchId: "x", rows: [{ minute: -1 }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
  });
});

describe("cluster: gateway node sync", () => {
  it("applies the snapshot, then key changes pushed as events within milliseconds", async () => {
    let current = makeSnapshot();
    const control = await startControl(() => current);
    cleanups.push(control.stop);
    const applied: string[] = [];
    const keys = new Map<string, StoredKeyEntry[]>();
    const sync = new ClusterSync({
      controlUrl: control.url,
      token: TOKEN,
      dataDir: await tempDir(),
      logger: silentLogger,
      applySnapshot: (s) => applied.push(s.catalog.version),
      applyKeys: (id, entries) => keys.set(id, entries),
    });
    cleanups.push(() => sync.close());
    await sync.start(5_000);
    expect(applied).toEqual(["v1"]);
    expect(sync.status).toMatchObject({ source: "control", version: "v1", connected: true });

    const sent = Date.now();
    control.hub.broadcast({ type: "keys", subscriptionId: "s1", entries: [entry("s1", "h2")] });
    await waitFor(() => keys.has("s1"));
    expect(Date.now() - sent).toBeLessThan(1_000);
    expect(keys.get("s1")).toEqual([entry("s1", "h2")]);

    current = makeSnapshot("v2");
    control.hub.broadcast({ type: "catalog", version: "v2" });
    await waitFor(() => applied.includes("v2"));
  });

  it("starts from the saved snapshot while the control plane is down, and catches up when it returns", async () => {
    const dataDir = await tempDir();
    let control = await startControl(() => makeSnapshot("v1"));
    const port = Number(new URL(control.url).port);
    const first = new ClusterSync({ controlUrl: control.url, token: TOKEN, dataDir, logger: silentLogger, applySnapshot: () => {}, applyKeys: () => {} });
    await first.start(5_000);
    await first.close();
    await control.stop();

    const applied: string[] = [];
    const second = new ClusterSync({ controlUrl: control.url, token: TOKEN, dataDir, logger: silentLogger, maxBackoffMs: 200, applySnapshot: (s) => applied.push(s.catalog.version), applyKeys: () => {} });
    cleanups.push(() => second.close());
    await second.start(5_000);
    expect(applied).toEqual(["v1"]);
    expect(second.status).toMatchObject({ source: "disk", connected: false });

    control = await startControl(() => makeSnapshot("v3"), port);
    cleanups.push(control.stop);
    await waitFor(() => applied.includes("v3"), 5_000);
    expect(second.status).toMatchObject({ source: "control", version: "v3", connected: true });
  });

  it("fails to start with neither a control plane nor a saved snapshot", async () => {
    const sync = new ClusterSync({ controlUrl: "http://127.0.0.1:1", token: TOKEN, dataDir: await tempDir(), logger: silentLogger, applySnapshot: () => {}, applyKeys: () => {} });
    cleanups.push(() => sync.close());
    await expect(sync.start(500)).rejects.toThrow(/no configuration/);
  });
});

describe("cluster: usage shipping", () => {
  const row = (calls: number): UsageRow => ({ ...emptyUsageRow({ minute: 1, subscriptionId: "s1", userId: "u", productId: "basic", apiId: "status", operationId: "getHealth" }), calls, success: calls });

  it("sends batches, spools them while the control plane is down, and delivers them all later", async () => {
    const spoolDir = path.join(await tempDir(), "spool");
    let control = await startControl(() => makeSnapshot());
    const port = Number(new URL(control.url).port);
    const shipper = new UsageShipper({ controlUrl: control.url, token: TOKEN, spoolDir, logger: silentLogger, retryMs: 100 });
    await shipper.start();
    cleanups.push(() => shipper.close());

    await shipper.write([row(3)]);
    expect(control.received.size).toBe(1);
    const before = control.received;
    await control.stop();

    await shipper.write([row(5)]);
    await shipper.write([row(7)]);
    expect(shipper.stats).toMatchObject({ spooledBatches: 2 });
    expect((await readdir(spoolDir)).filter((f) => f.endsWith(".json"))).toHaveLength(2);

    control = await startControl(() => makeSnapshot(), port);
    cleanups.push(control.stop);
    // The control plane records a batch before its answer reaches the shipper: wait for both sides.
    await waitFor(() => control.received.size === 2 && shipper.stats.spooledBatches === 0, 5_000);
    const total = [...before.values(), ...control.received.values()].flat().reduce((n, r) => n + r.calls, 0);
    expect(total).toBe(15);
    expect(shipper.stats).toMatchObject({ spooledBatches: 0, droppedCalls: 0 });
    expect((await readdir(spoolDir)).filter((f) => f.endsWith(".json"))).toHaveLength(0);
  });

  it("drops the oldest batches past the spool bound, and counts them", async () => {
    const spoolDir = path.join(await tempDir(), "spool");
    const shipper = new UsageShipper({ controlUrl: "http://127.0.0.1:1", token: TOKEN, spoolDir, logger: silentLogger, maxSpoolBytes: 3_000, retryMs: 60_000 });
    await shipper.start();
    cleanups.push(() => shipper.close());
    for (let i = 0; i < 10; i++) await shipper.write([row(1)]);
    expect(shipper.stats.spoolBytes).toBeLessThanOrEqual(3_000);
    expect(shipper.stats.droppedCalls).toBeGreaterThan(0);
    expect(shipper.stats.droppedCalls + shipper.stats.spooledBatches).toBe(10);
  });
});
