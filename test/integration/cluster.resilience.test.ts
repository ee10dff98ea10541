/**
 * Losing one part of a cluster: the control plane killed with SIGKILL (the
 * nodes keep serving, usage waits in their spools and arrives exactly after
 * a restart), a gateway node killed mid-load (it loses at most its last
 * flush interval of usage), and Redis killed (fail open passes calls, fail
 * closed answers 503).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SERVICE_NODE_FLAGS } from "../../gateway/src/server/node-flags.ts";
import { createSubscription, createUser, loadSecrets, openStore, queryUsage } from "../../gateway/src/store/index.ts";
import { CLUSTER_TOKEN, startNode } from "./cluster.helpers.ts";
import { DEMO_CONTENT, ROOT, spawnPortico, startPortico, type SpawnedPortico, type TestService } from "./harness.ts";
import { call, subscribe } from "./helpers.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "portico-resilience-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A Premium subscription written into a fresh data folder before the control plane starts on it. */
async function seedPremium(dataDir: string): Promise<{ id: string; key: string }> {
  const store = await openStore({ dataDir });
  const secrets = await loadSecrets({ dataDir, env: {} });
  const user = await createUser(store, { email: "fleet-ops@example.com", name: "Ops", emailVerifiedAt: new Date() });
  if (!user.ok) throw new Error(user.message);
  const sub = await createSubscription(store, { userId: user.user.id, productId: "premium", name: "load", state: "active", limit: null, keyPrefix: "dfly", secrets });
  if (!sub.ok) throw new Error(sub.message);
  await store.close();
  return { id: sub.subscription.id, key: sub.primaryKey };
}

async function usageOf(dataDir: string, subscriptionId: string): Promise<number> {
  const store = await openStore({ dataDir });
  const r = await queryUsage(store, { subscriptionId, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }, "hour");
  await store.close();
  if (!r.ok) throw new Error(r.message);
  return r.totals.calls;
}

function startDemo(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, path.join(ROOT, "gateway/src/cli.ts"), "demo", "--port", String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`demo exited with ${code}`)));
  });
}

describe("cluster: the control plane dies", () => {
  it("keeps both nodes serving; usage spooled meanwhile arrives exactly after a restart", async () => {
    const dir = await tempDir();
    const controlData = path.join(dir, "control");
    const sub = await seedPremium(controlData);
    const [demoPort, controlPort] = [await freePort(), await freePort()];
    const demo = await startDemo(demoPort);
    cleanups.push(async () => demo.kill("SIGKILL"));
    const controlEnv = {
      PORTICO_DATA: controlData,
      PORTICO_DIST: path.join(dir, "dist"),
      PORTICO_PORT: String(controlPort),
      PORTICO_DEMO: "0",
      PORTICO_DEMO_PORT: String(demoPort),
      PORTICO_CLUSTER_TOKEN: CLUSTER_TOKEN,
      PORTICO_USAGE_FLUSH_MS: "200",
      PORTICO_ACCESS_LOG: "off",
    };
    let control = await spawnPortico(["serve", "--role", "control"], controlEnv);
    cleanups.push(() => control.stop("SIGKILL"));
    const controlUrl = `http://127.0.0.1:${controlPort}`;
    const nodes = await Promise.all([startNode(controlUrl, path.join(dir, "a")), startNode(controlUrl, path.join(dir, "b"))]);
    cleanups.push(() => Promise.all(nodes.map((n) => n.stop("SIGKILL"))));

    let served = 0;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await call(`${nodes[i % 2]!.urls.gateway}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": sub.key } });
        expect(res.status).toBe(200);
        served++;
      }
    };
    await burst(30);
    await new Promise((r) => setTimeout(r, 500)); // flushed and sent

    await control.stop("SIGKILL");
    await burst(50);
    await new Promise((r) => setTimeout(r, 500)); // flushed into the spools
    for (const n of nodes) expect((await call(`${n.urls.gateway}/readyz`)).json()).toMatchObject({ status: "ready", checks: { config: { connected: false } } });

    control = await spawnPortico(["serve", "--role", "control"], controlEnv);
    await burst(20);
    // Nodes reconnect with backoff (≤ 5 s) and drain their spools.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const statuses = await Promise.all(nodes.map(async (n) => (await call(`${n.urls.gateway}/readyz`)).json().checks.config.connected));
      if (statuses.every(Boolean)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2_500));
    await Promise.all(nodes.map((n) => n.stop("SIGTERM")));
    await control.stop("SIGTERM");
    expect(served).toBe(100);
    expect(await usageOf(controlData, sub.id)).toBe(100);
  }, 60_000);
});

describe("cluster: a gateway node dies mid-load", () => {
  it("loses no more usage than the calls of its last flush interval", async () => {
    const dir = await tempDir();
    const control = await startPortico({ role: "control", env: { PORTICO_CLUSTER_TOKEN: CLUSTER_TOKEN } });
    cleanups.push(() => control.stop());
    const sub = await subscribe(control.context, "premium");
    const flushMs = 200;
    const node = await startNode(control.controlUrl, path.join(dir, "n"), { PORTICO_USAGE_FLUSH_MS: String(flushMs) });
    cleanups.push(() => node.stop("SIGKILL"));

    const completedAt: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        try {
          const res = await call(`${node.urls.gateway}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } });
          if (res.status === 200) completedAt.push(Date.now());
        } catch {
          return;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1_500));
    const killedAt = Date.now();
    await node.stop("SIGKILL");
    running = false;
    await load;
    await new Promise((r) => setTimeout(r, 500));

    const served = completedAt.filter((t) => t <= killedAt).length;
    const recorded = await (async () => {
      const r = await queryUsage(control.context.store, { subscriptionId: sub.id, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }, "hour");
      return r.ok ? r.totals.calls : -1;
    })();
    // The documented bound: one flush interval, plus the time a flush takes to send.
    const lastInterval = completedAt.filter((t) => t > killedAt - flushMs - 100).length;
    expect(served).toBeGreaterThan(50);
    expect(recorded).toBeLessThanOrEqual(served);
    expect(served - recorded).toBeLessThanOrEqual(lastInterval);
  }, 30_000);
});

describe("cluster: Redis dies", () => {
  it("fails open by default (calls pass, errors counted) and closed (503) where configured", async () => {
    const dir = await tempDir();
    const port = await freePort();
    const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    cleanups.push(async () => redis.kill("SIGKILL"));
    const redisEnv = { PORTICO_REDIS_URL: `redis://127.0.0.1:${port}`, PORTICO_REDIS_PREFIX: "outage:" };
    await new Promise((r) => setTimeout(r, 300));

    // The same demo, with Basic's rate limit set to fail closed.
    await cp(DEMO_CONTENT, path.join(dir, "content"), { recursive: true });
    await cp(path.join(DEMO_CONTENT, "..", "themes"), path.join(dir, "themes"), { recursive: true });
    const basic = path.join(dir, "content/products/basic.md");
    const text = await readFile(basic, "utf8");
    const closed = text.replace("- rate-limit: { calls: 10, renewalPeriod: 10 }", "- rate-limit: { calls: 10, renewalPeriod: 10, onStoreError: deny }");
    expect(closed).not.toBe(text);
    await writeFile(basic, closed);

    const open = await startPortico({ env: redisEnv });
    cleanups.push(() => open.stop());
    const strict = await startPortico({ env: { ...redisEnv, PORTICO_CONTENT: path.join(dir, "content") } });
    cleanups.push(() => strict.stop());
    const [openSub, strictSub] = [await subscribe(open.context, "basic"), await subscribe(strict.context, "basic")];
    const forecast = (svc: TestService, key: string) => call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`, { headers: { "Ocp-Apim-Subscription-Key": key } });
    expect((await forecast(open, openSub.primaryKey)).status).toBe(200);
    expect((await forecast(strict, strictSub.primaryKey)).status).toBe(200);

    redis.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 300));
    expect((await forecast(open, openSub.primaryKey)).status).toBe(200);
    const refused = await forecast(strict, strictSub.primaryKey);
    expect(refused.status).toBe(503);
    expect(refused.json()).toMatchObject({ statusCode: 503, code: "STORE_UNAVAILABLE" });

    const ready = await call(`${open.gatewayUrl}/readyz`);
    expect(ready.json()).toMatchObject({ checks: { redis: false } });
    const metrics = await call(`${open.gatewayUrl}/metrics`);
    expect(metrics.text).toMatch(/portico_redis_errors_total [1-9]/);
    expect(metrics.text).toMatch(/portico_policy_store_errors_total\{action="allowed"\} [1-9]/);
  }, 30_000);
});
