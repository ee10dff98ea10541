/**
 * The control plane's side of a cluster: gateway nodes pull a snapshot,
 * then listen to a server-sent event stream for changes (a key regenerated
 * or cancelled reaches every node in milliseconds), and push usage batches.
 *
 * Every route needs `Authorization: Bearer <PORTICO_CLUSTER_TOKEN>`; without
 * a configured token the routes do not exist (404), so a single-node
 * install exposes nothing.
 */
import { timingSafeEqual } from "node:crypto";
import type { Hono } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import { z } from "zod";
import { ErrorCode, PorticoError } from "../errors.ts";
import type { StoredKeyEntry } from "../gateway/key-cache.ts";
import type { Logger } from "../log.ts";
import type { ControlEnv } from "../server/control-app.ts";
import type { UsageRow } from "../usage/aggregate.ts";
import type { ConfigSnapshot } from "./snapshot.ts";

export type ClusterEvent =
  | { type: "keys"; subscriptionId: string; entries: StoredKeyEntry[] }
  | { type: "catalog"; version: string };

export interface ClusterHubOptions {
  token: string;
  logger: Logger;
  snapshot: () => ConfigSnapshot;
  /** Adds a batch of usage rows; a repeated batch id must not count twice. */
  addUsage: (batchId: string, rows: UsageRow[]) => Promise<void>;
  heartbeatMs?: number;
}

const UsageBatchSchema = z.strictObject({
  batchId: z.string().regex(/^[A-Za-z0-9:._-]{1,128}$/, "batchId must be 1-128 characters of letters, digits, ':', '.', '_' or '-'"),
  rows: z
    .array(
      z.strictObject({
        minute: z.number().int().nonnegative(),
        subscriptionId: z.string().max(128),
        userId: z.string().max(128),
        productId: z.string().max(128),
        apiId: z.string().min(1).max(128),
        operationId: z.string().max(256),
        calls: z.number().int().nonnegative(),
        success: z.number().int().nonnegative(),
        blocked: z.number().int().nonnegative(),
        failed: z.number().int().nonnegative(),
        clientErrors: z.number().int().nonnegative(),
        bytesIn: z.number().int().nonnegative(),
        bytesOut: z.number().int().nonnegative(),
        latencyTotalMs: z.number().nonnegative(),
        latencyMaxMs: z.number().nonnegative(),
        backendLatencyTotalMs: z.number().nonnegative(),
        histogram: z.array(z.number().int().nonnegative()),
      }),
    )
    .max(50_000),
});

export class ClusterHub {
  #token: Buffer;
  #options: ClusterHubOptions;
  #clients = new Set<SSEStreamingApi>();
  #eventId = 0;

  constructor(options: ClusterHubOptions) {
    if (options.token.length < 16) throw new PorticoError(ErrorCode.INTERNAL, "PORTICO_CLUSTER_TOKEN must be at least 16 characters");
    this.#token = Buffer.from(options.token);
    this.#options = options;
  }

  get connectedNodes(): number {
    return this.#clients.size;
  }

  /** Sends an event to every connected gateway node. */
  broadcast(event: ClusterEvent): void {
    const id = String(++this.#eventId);
    const data = JSON.stringify(event);
    for (const client of this.#clients) {
      void client.writeSSE({ event: event.type, data, id }).catch(() => this.#clients.delete(client));
    }
  }

  register(app: Hono<ControlEnv>): void {
    const authorized = (header: string | undefined): boolean => {
      const presented = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
      return presented.length === this.#token.length && timingSafeEqual(presented, this.#token);
    };
    app.use("/cluster/v1/*", async (c, next) => {
      if (!authorized(c.req.header("authorization"))) {
        throw new PorticoError(ErrorCode.UNAUTHENTICATED, "A valid cluster token is required.", { headers: { "WWW-Authenticate": 'Bearer realm="portico-cluster"' } });
      }
      await next();
    });

    app.get("/cluster/v1/snapshot", (c) => c.json(this.#options.snapshot()));

    app.get("/cluster/v1/events", (c) =>
      streamSSE(c, async (stream) => {
        this.#clients.add(stream);
        const { catalog } = this.#options.snapshot();
        await stream.writeSSE({ event: "hello", data: JSON.stringify({ version: catalog.version }) });
        const heartbeat = setInterval(() => void stream.writeSSE({ event: "ping", data: "" }).catch(() => {}), this.#options.heartbeatMs ?? 15_000);
        await new Promise<void>((resolve) => stream.onAbort(resolve));
        clearInterval(heartbeat);
        this.#clients.delete(stream);
      }),
    );

    app.post("/cluster/v1/usage", async (c) => {
      const parsed = UsageBatchSchema.safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) {
        throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The usage batch is not valid.", {
          details: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })),
        });
      }
      await this.#options.addUsage(parsed.data.batchId, parsed.data.rows);
      return c.body(null, 204);
    });
  }

  close(): void {
    for (const client of this.#clients) void client.close();
    this.#clients.clear();
  }
}
