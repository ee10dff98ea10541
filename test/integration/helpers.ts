/**
 * Shared steps for integration tests: subscriptions made through the store
 * exactly as the management API makes them, and HTTP over real sockets.
 */
import { connect } from "node:net";
import { request } from "undici";
import type { ServiceContext } from "../../gateway/src/server/service.ts";
import { createSubscription, createUser, queryUsage } from "../../gateway/src/store/index.ts";

export interface TestSubscription {
  id: string;
  userId: string;
  primaryKey: string;
  secondaryKey: string;
}

let userCounter = 0;

/** A user with an active subscription to `productId`, visible to the gateway at once. */
export async function subscribe(ctx: ServiceContext, productId: string, state: "active" | "submitted" = "active"): Promise<TestSubscription> {
  const user = await createUser(ctx.store, { email: `user${++userCounter}-${Date.now()}@example.com`, name: "Test User", emailVerifiedAt: new Date() });
  if (!user.ok) throw new Error(user.message);
  const sub = await createSubscription(ctx.store, {
    userId: user.user.id,
    productId,
    name: `${productId} test`,
    state,
    limit: null,
    keyPrefix: ctx.catalog().portal.keyPrefix,
    secrets: ctx.secrets,
  });
  if (!sub.ok) throw new Error(sub.message);
  await ctx.subscriptionChanged(sub.subscription.id);
  return { id: sub.subscription.id, userId: user.user.id, primaryKey: sub.primaryKey, secondaryKey: sub.secondaryKey };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = any>(): T;
}

export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  const res = await request(url, { method: (init.method ?? "GET") as "GET", headers: init.headers, body: init.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Sends raw bytes on a fresh socket and resolves with everything the server sent back. */
export function rawHttp(port: number, bytes: string | Buffer, options: { waitMs?: number; endInput?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let out = "";
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, options.waitMs ?? 5_000);
    socket.on("data", (d) => (out += d.toString("latin1")));
    socket.on("error", (err) => {
      clearTimeout(timer);
      if (out !== "") resolve(out);
      else reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
    socket.write(bytes);
    if (options.endInput) socket.end();
  });
}

export function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf("\r\n\r\n") + 4);
}

/** Polls the usage aggregates until `predicate` holds or `timeoutMs` passes. */
export async function waitForUsage(
  ctx: ServiceContext,
  filter: { subscriptionId?: string; apiId?: string; operationId?: string },
  predicate: (calls: number) => boolean,
  timeoutMs = 5_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let calls = -1;
  while (Date.now() < deadline) {
    const r = await queryUsage(ctx.store, { ...filter, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) }, "hour");
    if (!r.ok) throw new Error(r.message);
    calls = r.totals.calls;
    if (predicate(calls)) return calls;
    await new Promise((res) => setTimeout(res, 100));
  }
  return calls;
}
