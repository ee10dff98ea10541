/**
 * The DroneFly demo backend: one small Hono app that implements the three
 * APIs of the sample content (`content/apis/{status,weather,fleet}`), each
 * under its own path prefix, so that one process on one port serves them
 * all:
 *
 *   /status/...      DroneFly Status API
 *   /weather/v1/...  DroneFly Weather API, v1
 *   /weather/v2/...  DroneFly Weather API, v2
 *   /fleet/...       Drone Fleet API
 *
 * `npm start` runs it beside the service; `portico demo` runs it alone
 * (see `main.ts`). Data is deterministic (weather derives from a hash of the
 * city and date) apart from missions, which live in memory.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Hono } from "hono";
import { ErrorCode } from "../errors.ts";
import { fleetRoutes } from "./fleet.ts";
import { type DemoAppOptions, type DemoEnv, sendError } from "./http.ts";
import { DEMO_VERSION, statusRoutes } from "./status.ts";
import { weatherRoutes } from "./weather.ts";

export type { DemoAppOptions } from "./http.ts";

export function createDemoApp(options: DemoAppOptions = {}): Hono<DemoEnv> {
  const now = options.now ?? (() => new Date());
  const app = new Hono<DemoEnv>();

  app.get("/", function index(c) {
    return c.json({
      service: "dronefly-demo",
      version: DEMO_VERSION,
      description: "The DroneFly demo backend. Call it through the Portico gateway; the paths below are its own.",
      apis: {
        status: ["GET /status/health", "ANY /status/echo"],
        weather: [
          "GET /weather/v1/forecast?city=",
          "GET /weather/v1/alerts",
          "GET /weather/v2/forecast?city=",
          "GET /weather/v2/forecast/hourly?city=",
          "GET /weather/v2/alerts",
        ],
        fleet: [
          "GET /fleet/drones",
          "GET /fleet/drones/{droneId}",
          "POST /fleet/drones/{droneId}/missions",
          "GET /fleet/missions/{missionId}",
        ],
      },
    });
  });

  app.route("/status", statusRoutes({ now, startedAt: now() }));
  app.route("/weather", weatherRoutes({ now }));
  app.route("/fleet", fleetRoutes({ now }));

  app.notFound(function notFound(c) {
    return sendError(c, ErrorCode.NOT_FOUND, `Nothing is served at ${c.req.method} ${c.req.path} by the DroneFly demo backend.`);
  });
  app.onError(function onError(err, c) {
    console.error("dronefly demo backend:", err);
    return sendError(c, ErrorCode.INTERNAL, "The demo backend failed to answer; see its log.");
  });
  return app;
}

export interface DemoBackendOptions extends DemoAppOptions {
  /** Default 0: any free port (read the chosen one from the result). */
  port?: number;
  /** Default `127.0.0.1`: reachable from this machine only. */
  host?: string;
}

export interface DemoBackend {
  port: number;
  /** Base URL, e.g. `http://localhost:8090`. */
  url: string;
  /** Stops accepting connections, ends idle ones, and resolves once all are closed. */
  close(): Promise<void>;
}

/** How long `close()` lets requests in progress finish before cutting their connections. */
const CLOSE_GRACE_MS = 2_000;

export function startDemoBackend(options: DemoBackendOptions = {}): Promise<DemoBackend> {
  const host = options.host ?? "127.0.0.1";
  const app = createDemoApp(options);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      const port = (server.address() as AddressInfo).port;
      let closing: Promise<void> | undefined;
      resolve({ port, url: `http://${displayHost(host)}:${port}`, close: () => (closing ??= closeServer(server)) });
    });
  });
}

function displayHost(host: string): string {
  if (host === "127.0.0.1" || host === "::1" || host === "localhost") return "localhost";
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    timer.unref();
    server.close((err) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
