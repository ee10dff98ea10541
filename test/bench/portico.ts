/**
 * Portico for the bench: a generated content folder with two APIs in front
 * of the bench backend, the real service started with the real CLI
 * (`node --max-semi-space-size=16 gateway/src/cli.ts serve`, the flags of
 * `npm start`), and a subscription made through the management API.
 *
 * - `open` (`/open/item`): in an open product without policies.
 * - `keyed` (`/keyed/item`): needs a key; its product has a rate limit that
 *   never triggers at bench rates, a daily quota, and (like every call)
 *   usage recording.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { request } from "undici";
import { SERVICE_NODE_FLAGS } from "../../gateway/src/server/node-flags.ts";
import { start, type Proc } from "./procs.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");

/** Limits of the keyed product: far above what a 2-core machine can send. */
export const RATE_LIMIT = { calls: 100_000_000, renewalPeriod: 60 };
export const QUOTA = { calls: 1_000_000_000_000, renewalPeriod: 86_400 };

const openapi = (title: string) => `openapi: 3.0.3
info: { title: ${title}, version: "1.0" }
paths:
  /item:
    get:
      operationId: getItem
      summary: One item
      responses:
        "200":
          description: The item.
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: string }
                  name: { type: string }
`;

export async function writeBenchContent(dir: string): Promise<void> {
  const c = (p: string) => path.join(dir, p);
  await mkdir(c("apis/open"), { recursive: true });
  await mkdir(c("apis/keyed"), { recursive: true });
  await mkdir(c("products"), { recursive: true });
  await writeFile(c("portal.yaml"), "title: Portico bench\ntheme: default\nkeyPrefix: bench\n");
  await writeFile(c("apis/open/api.yaml"), "title: Open bench API\npath: /open\nbackend: http://127.0.0.1:${BENCH_BACKEND_PORT}/b\n");
  await writeFile(c("apis/open/openapi.yaml"), openapi("Open bench API"));
  await writeFile(c("apis/keyed/api.yaml"), "title: Keyed bench API\npath: /keyed\nbackend: http://127.0.0.1:${BENCH_BACKEND_PORT}/b\n");
  await writeFile(c("apis/keyed/openapi.yaml"), openapi("Keyed bench API"));
  await writeFile(
    c("products/open.md"),
    "---\ntitle: Open\nstate: published\nsubscriptionRequired: false\ngroups: [guests]\napis: [open]\n---\nNo key, no policies.\n",
  );
  await writeFile(
    c("products/bench.md"),
    [
      "---",
      "title: Bench",
      "state: published",
      "subscriptionRequired: true",
      "approvalRequired: false",
      "groups: [guests]",
      "apis: [keyed]",
      "policies:",
      "  inbound:",
      "    - base",
      `    - rate-limit: { calls: ${RATE_LIMIT.calls}, renewalPeriod: ${RATE_LIMIT.renewalPeriod} }`,
      `    - quota: { calls: ${QUOTA.calls}, renewalPeriod: ${QUOTA.renewalPeriod} }`,
      "---",
      "Key, rate limit, quota, usage.",
      "",
    ].join("\n"),
  );
}

export interface PorticoInstance {
  proc: Proc;
  gatewayPort: number;
  controlUrl: string;
  dataDir: string;
  cookie: string;
  /** A subscription to the bench product and its primary key. */
  newSubscription(name: string): Promise<{ id: string; key: string }>;
  /** Total calls the usage API reports for a subscription. */
  usageCalls(subscriptionId: string, from: Date): Promise<number>;
}

const ADMIN = { email: "bench@example.com", password: "bench correct horse battery staple" };

export async function startPortico(options: {
  contentDir: string;
  dataDir: string;
  backendPort: number;
  cpus: string | undefined;
  redis?: { url: string; prefix: string };
  nodeArgs?: string[];
  flushMs?: number;
  /** The checkout to run (default: this one); `ab.ts` compares two. */
  root?: string;
}): Promise<PorticoInstance> {
  const root = options.root ?? ROOT;
  await mkdir(options.dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORTICO_PORT: "0",
    PORTICO_GATEWAY_PORT: "0",
    PORTICO_DEMO: "0",
    PORTICO_HOST: "127.0.0.1",
    PORTICO_CONTENT: options.contentDir,
    PORTICO_THEMES: path.join(ROOT, "themes"),
    PORTICO_DATA: options.dataDir,
    PORTICO_DIST: path.join(options.dataDir, "dist"),
    PORTICO_ACCESS_LOG: "off",
    PORTICO_ADMIN_EMAIL: ADMIN.email,
    PORTICO_ADMIN_PASSWORD: ADMIN.password,
    PORTICO_USAGE_FLUSH_MS: String(options.flushMs ?? 1000),
    BENCH_BACKEND_PORT: String(options.backendPort),
  };
  delete env.PORTICO_REDIS_URL;
  if (options.redis) {
    env.PORTICO_REDIS_URL = options.redis.url;
    env.PORTICO_REDIS_PREFIX = options.redis.prefix;
  }
  const { proc, value } = await start(
    "portico",
    process.execPath,
    [...SERVICE_NODE_FLAGS, ...(options.nodeArgs ?? []), path.join(root, "gateway/src/cli.ts"), "serve"],
    {
      env,
      cwd: root,
      cpus: options.cpus,
      timeoutMs: 60_000,
      ready: (line) => {
        if (!line.includes('"portico is running"')) return undefined;
        return JSON.parse(line) as { portal: string; gateway: string };
      },
    },
  );
  const controlUrl = value.portal.replace("localhost", "127.0.0.1").replace(/\/$/, "");
  const gatewayPort = Number(new URL(value.gateway).port);

  const signIn = await request(`${controlUrl}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(ADMIN) });
  await signIn.body.text();
  if (signIn.statusCode !== 204) throw new Error(`sign-in failed: ${signIn.statusCode}\n${proc.output()}`);
  const setCookie = signIn.headers["set-cookie"];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ""]).map((c) => c.split(";")[0]).join("; ");

  const api = async (method: "GET" | "POST", url: string, body?: unknown) => {
    const res = await request(`${controlUrl}${url}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${text}`);
    return JSON.parse(text) as any;
  };

  return {
    proc,
    gatewayPort,
    controlUrl,
    dataDir: options.dataDir,
    cookie,
    async newSubscription(name) {
      const sub = await api("POST", "/api/v1/subscriptions", { product: "bench", name, acceptTerms: true });
      const keys = await api("GET", `/api/v1/subscriptions/${sub.id}/keys`);
      // The gateway's key cache learns of the subscription at once; wait until a call passes.
      for (let i = 0; i < 100; i++) {
        const res = await request(`http://127.0.0.1:${gatewayPort}/keyed/item`, { headers: { "ocp-apim-subscription-key": keys.primaryKey } });
        await res.body.text();
        if (res.statusCode === 200) return { id: sub.id as string, key: keys.primaryKey as string };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the new key never worked at the gateway");
    },
    async usageCalls(subscriptionId, from) {
      const to = new Date(Date.now() + 120_000);
      const q = new URLSearchParams({ subscription: subscriptionId, from: from.toISOString(), to: to.toISOString(), interval: "minute" });
      const usage = await api("GET", `/api/v1/usage?${q}`);
      return usage.totals.calls as number;
    },
  };
}
