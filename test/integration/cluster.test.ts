/**
 * Scale-out on real processes: one control plane and two gateway nodes on
 * loopback sharing the real Redis (127.0.0.1:6379) under a key prefix of
 * this run, deleted afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { regenerateSubscriptionKey } from "../../gateway/src/store/index.ts";
import { cleanRedis, CLUSTER_TOKEN, REDIS_URL, startNode } from "./cluster.helpers.ts";
import { startPortico, type SpawnedPortico, type TestService } from "./harness.ts";
import { call, subscribe, waitForUsage } from "./helpers.ts";

const prefix = `portico-cluster-test:${process.pid}:${Date.now()}:`;
let dir: string;
let control: TestService;
let nodes: SpawnedPortico[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-cluster-"));
  const redis = { PORTICO_REDIS_URL: REDIS_URL, PORTICO_REDIS_PREFIX: prefix };
  control = await startPortico({ role: "control", env: { PORTICO_CLUSTER_TOKEN: CLUSTER_TOKEN, ...redis } });
  nodes = await Promise.all([startNode(control.controlUrl, path.join(dir, "a"), redis), startNode(control.controlUrl, path.join(dir, "b"), redis)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await control?.stop();
  await cleanRedis(prefix);
  await rm(dir, { recursive: true, force: true });
});

/** How many subscriptions' keys a node accepts, from its metrics. */
async function acceptedSubscriptions(node: SpawnedPortico): Promise<number> {
  const metrics = await call(`${node.urls.gateway}/metrics`);
  const value = /^portico_gateway_subscriptions (\d+)$/m.exec(metrics.text)?.[1];
  if (value === undefined) throw new Error("no portico_gateway_subscriptions in the node's metrics");
  return Number(value);
}

/** A new subscription, once every node has received its keys (the change stream is asynchronous; a busy machine may take a moment). */
async function subscribeOnAllNodes(productId: string): Promise<Awaited<ReturnType<typeof subscribe>>> {
  const before = await Promise.all(nodes.map(acceptedSubscriptions));
  const sub = await subscribe(control.context, productId);
  const deadline = Date.now() + 5_000;
  for (const [i, node] of nodes.entries()) {
    while ((await acceptedSubscriptions(node)) <= before[i]!) {
      if (Date.now() > deadline) throw new Error(`gateway node ${node.urls.gateway} did not receive the new subscription within 5 s`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return sub;
}

describe("cluster: two gateway nodes behind one control plane", () => {
  it("holds Basic's 10 calls / 10 s exactly across both nodes through Redis", async () => {
    const sub = await subscribeOnAllNodes("basic");
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const node = nodes[i % 2]!;
      const res = await call(`${node.urls.gateway}/weather/v1/forecast?city=Oslo`, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    expect(statuses.slice(0, 10)).toEqual(new Array(10).fill(200));
  });

  it("refuses a regenerated key on every node within one second; the secondary keeps working", async () => {
    const sub = await subscribeOnAllNodes("premium");
    const url = (n: SpawnedPortico) => `${n.urls.gateway}/weather/v1/forecast?city=Oslo`;
    for (const n of nodes) expect((await call(url(n), { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } })).status).toBe(200);
    const ctx = control.context;
    const regenerated = await regenerateSubscriptionKey(ctx.store, sub.id, "primary", { keyPrefix: ctx.catalog().portal.keyPrefix, secrets: ctx.secrets });
    if (!regenerated.ok) throw new Error(regenerated.message);
    await ctx.subscriptionChanged(sub.id);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const n of nodes) {
      expect((await call(url(n), { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } })).status).toBe(401);
      expect((await call(url(n), { headers: { "Ocp-Apim-Subscription-Key": sub.secondaryKey } })).status).toBe(200);
      expect((await call(url(n), { headers: { "Ocp-Apim-Subscription-Key": regenerated.key } })).status).toBe(200);
    }
  });

  it("sends every node's usage to the control plane, exactly", async () => {
    const sub = await subscribeOnAllNodes("premium");
    for (let i = 0; i < 40; i++) {
      const res = await call(`${nodes[i % 2]!.urls.gateway}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": sub.primaryKey } });
      expect(res.status).toBe(200);
    }
    expect(await waitForUsage(control.context, { subscriptionId: sub.id }, (n) => n >= 40, 15_000)).toBe(40);
  });

  it("reports readiness with the configuration's source, and metrics to the operator only", async () => {
    const ready = await call(`${nodes[0]!.urls.gateway}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", configVersion: control.context.catalog().version, checks: { config: { source: "control", connected: true }, redis: true } });
    const metrics = await call(`${nodes[0]!.urls.gateway}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/portico_gateway_requests_total\{api="weather",status="200"\} \d+/);
    const hidden = await call(`${nodes[0]!.urls.gateway}/metrics`, { headers: { "X-Forwarded-For": "203.0.113.1" } });
    expect(hidden.status).toBe(200); // loopback peer: X-Forwarded-For from an untrusted peer changes nothing
    const controlMetrics = await call(`${control.controlUrl}/metrics`);
    expect(controlMetrics.text).toContain("portico_cluster_nodes_connected 2");
  });
});
