/**
 * Starts Portico for integration tests on free ports with a temporary data
 * folder: in this process (fast; gives tests the service context) or as a
 * child process running the real CLI (for signals and restarts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readConfig } from "../../gateway/src/config.ts";
import type { ListenerLimits } from "../../gateway/src/gateway/listener.ts";
import { createLogger, silentLogger, type Logger } from "../../gateway/src/log.ts";
import { registerManagementApi } from "../../gateway/src/management/app.ts";
import { SERVICE_NODE_FLAGS } from "../../gateway/src/server/node-flags.ts";
import { startService, type Role, type RunningService, type ServiceContext } from "../../gateway/src/server/service.ts";

export const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const DEMO_CONTENT = path.join(ROOT, "content");

export interface TestService {
  controlUrl: string;
  gatewayUrl: string;
  demoUrl: string;
  dataDir: string;
  context: ServiceContext;
  service: RunningService;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  role?: Role;
  gatewayLimits?: Partial<ListenerLimits>;
  logger?: Logger;
  /** Keep the data folder after stop (e.g. to restart on it). */
  dataDir?: string;
}

/** Starts the whole service in this process, every listener on a free port. */
export async function startPortico(options: StartOptions = {}): Promise<TestService> {
  const ownData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "portico-test-")));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORTICO_PORT: "0",
    PORTICO_GATEWAY_PORT: "0",
    PORTICO_DEMO_PORT: "0",
    PORTICO_DATA: dataDir,
    PORTICO_CONTENT: DEMO_CONTENT,
    PORTICO_DIST: process.env.PORTICO_TEST_DIST ?? path.join(dataDir, "dist"),
    PORTICO_USAGE_FLUSH_MS: "200",
    PORTICO_ACCESS_LOG: process.env.PORTICO_TEST_LOGS ? "on" : "off",
    ...options.env,
  };
  const config = readConfig(env, ROOT);
  const service = await startService(config, {
    role: options.role ?? "all",
    logger: options.logger ?? (process.env.PORTICO_TEST_LOGS ? createLogger() : silentLogger),
    env,
    gatewayLimits: options.gatewayLimits,
    registerManagement: registerManagementApi,
  });
  const { ports } = service;
  return {
    controlUrl: `http://127.0.0.1:${ports.control}`,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    demoUrl: `http://127.0.0.1:${ports.demo}`,
    dataDir,
    // Tests of gateway-only nodes do not use the control plane's context.
    context: service.context!,
    service,
    async stop() {
      await service.close();
      if (ownData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SpawnedPortico {
  child: ChildProcess;
  urls: { portal?: string; gateway?: string; demo?: string };
  output(): string;
  /** Sends `signal` and resolves with the exit code and the time it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Runs `portico <args>` as a child process and waits until it is running. */
export async function spawnPortico(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedPortico> {
  const child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, path.join(ROOT, "gateway/src/cli.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, PORTICO_PORT: "0", PORTICO_GATEWAY_PORT: "0", PORTICO_DEMO_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const urls = await new Promise<SpawnedPortico["urls"]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`portico did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      for (const line of out.split("\n")) {
        if (!line.includes('"portico is running"')) continue;
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        const rec = JSON.parse(line) as { portal?: string; gateway?: string; demo?: string };
        resolve({ portal: rec.portal, gateway: rec.gateway, demo: rec.demo });
        return;
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`portico exited with ${code} before it was running:\n${out}`));
    });
  });
  return {
    child,
    urls,
    output: () => out,
    stop(signal = "SIGTERM") {
      const started = performance.now();
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, ms: 0 });
        child.once("exit", (code) => resolve({ code, ms: performance.now() - started }));
        child.kill(signal);
      });
    },
  };
}
