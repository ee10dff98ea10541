/**
 * `portico dev`: the whole service, as `portico serve` runs it, plus a
 * watcher. When a file of the content folder or the themes folder (and,
 * with --watch-src, the portal's own source) changes, the portal is rebuilt (every phase logged, as
 * `portico build` does, and relayed to open pages), the service switches to
 * the new catalog and the new files, and every open page reloads through
 * live-reload.ts.
 *
 * Rebuilds are whole (the public portal and each restricted tree): Astro
 * has no incremental static build, and a page may depend on any content
 * file (navigation, search, cross-links). A change made during a build
 * queues one more build after it; a build that fails leaves the last good
 * portal served and shows the reason on open pages.
 */
import path from "node:path";
import type { Hono } from "hono";
import { ConfigurationError, readConfig, type ServiceConfig } from "../config.ts";
import { ConfigError } from "../errors.ts";
import { createLogger, type Logger } from "../log.ts";
import { registerManagementApi } from "../management/app.ts";
import { loadCatalogDeep } from "../model/load-deep.ts";
import type { ControlEnv } from "../server/control-app.ts";
import { buildPortal, PACKAGE_ROOT } from "../server/portal-build.ts";
import { runUntilSignal } from "../server/serve.ts";
import { ContentError, startService, type RunningService } from "../server/service.ts";
import { LiveReload } from "./live-reload.ts";
import { watchFolders, type Watcher } from "./watch.ts";


/** Lines of a build's output that say how far it got (see portal-build.ts). */
const PROGRESS = /^(\[\d+\/\d+\]|portal built|build (stopped|failed)|  \S+ \(.*\): \d+ pages)/;

export interface DevServer {
  service: RunningService;
  live: LiveReload;
  /** Resolves when the build started by the latest change has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

export interface DevOptions {
  /** Also rebuild when the portal's own source (the package's src/) changes: for people working on Portico itself. */
  watchSource?: boolean;
}

/** The folders whose changes rebuild the portal. */
export function watchedFolders(config: ServiceConfig, options: DevOptions = {}): string[] {
  const dirs = [config.contentDir, config.themesDir, ...(options.watchSource ? [path.join(PACKAGE_ROOT, "src")] : [])];
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

/** Starts the service with live reload and the watcher; the initial build must succeed. */
export async function startDevServer(config: ServiceConfig, logger: Logger, options: DevOptions = {}): Promise<DevServer | undefined> {
  const first = await buildPortal(config, { force: false, log: (line) => logger.info(line) });
  if (!first.ok) return undefined;

  const live = new LiveReload();
  const service = await startService(config, {
    role: "all",
    logger,
    registerManagement: (app: Hono<ControlEnv>, ctx) => {
      live.register(app);
      return registerManagementApi(app, ctx);
    },
  });
  const ctx = service.context!;
  const env = { ...process.env, ...(service.ports.demo !== undefined ? { PORTICO_DEMO_PORT: String(service.ports.demo) } : {}) };

  let running: Promise<void> | undefined;
  let pending: string | undefined;

  async function rebuild(file: string): Promise<void> {
    const started = performance.now();
    const rel = shortPath(file);
    logger.info(`${rel} changed: rebuilding the portal`);
    live.publish({ type: "building", file: rel, message: `${rel} changed: rebuilding the portal` });
    const lines: string[] = [];
    const result = await buildPortal(config, {
      force: false,
      log: (line) => {
        lines.push(line);
        logger.info(line);
        if (PROGRESS.test(line)) live.publish({ type: "building", file: rel, message: line.trim() });
      },
    });
    if (!result.ok) {
      const message = lines.filter((l) => !/^\s+\d\d:\d\d:\d\d /.test(l) || /error/i.test(l)).slice(-40).join("\n");
      logger.warn("the portal did not build: still serving the last good build");
      live.publish({ type: "failed", message });
      return;
    }
    if (result.skipped) {
      live.publish({ type: "building", file: rel, message: "nothing the portal is built from changed" });
      return;
    }
    const loaded = await loadCatalogDeep(config.contentDir, { themesDir: config.themesDir, env });
    if (loaded.catalog) ctx.setCatalog(loaded.catalog);
    await ctx.reloadSite();
    const ms = Math.round(performance.now() - started);
    const build = live.nextBuild();
    live.publish({ type: "reload", build, file: rel, ms });
    logger.info(`portal rebuilt in ${(ms / 1000).toFixed(1)} s: ${live.clients} open page${live.clients === 1 ? "" : "s"} reloading`);
  }

  function schedule(file: string): void {
    if (running) {
      pending = file;
      return;
    }
    running = rebuild(file)
      .catch((err: unknown) => {
        logger.error("rebuild failed", { err });
        live.publish({ type: "failed", message: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        running = undefined;
        const next = pending;
        pending = undefined;
        if (next !== undefined) schedule(next);
      });
  }

  // The build writes only into the dist folders, which are not watched.
  const dirs = watchedFolders(config, options).filter((d) => !config.distDir.startsWith(d + path.sep));
  const watcher: Watcher = watchFolders({
    dirs,
    onChange: schedule,
    onError: (err, dir) => logger.warn("cannot watch a folder: its changes will not rebuild the portal", { dir, err: err.message }),
  });
  logger.info("watching for changes", { dirs: dirs.map(shortPath) });

  return {
    service,
    live,
    async idle() {
      while (running) await running;
    },
    async close() {
      // A build under way is not awaited: shutdown stays bounded, and the
      // next start finds its inputs changed and builds again.
      watcher.close();
      pending = undefined;
      live.closeAll();
      await service.close();
    },
  };
}

export async function runDev(options: DevOptions = {}): Promise<number> {
  const logger = createLogger();
  let config: ServiceConfig;
  try {
    config = readConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      process.stderr.write(`portico dev: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let dev: DevServer | undefined;
  try {
    dev = await startDevServer(config, logger, options);
  } catch (err) {
    if (err instanceof ContentError || err instanceof ConfigError) {
      process.stderr.write(`portico dev: ${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      process.stderr.write(`portico dev: ${(err as Error).message}: another process uses that port (set PORTICO_PORT, PORTICO_GATEWAY_PORT or PORTICO_DEMO_PORT)\n`);
      return 1;
    }
    throw err;
  }
  if (dev === undefined) {
    process.stderr.write("portico dev: the portal did not build; fix the problems above and run it again\n");
    return 1;
  }
  const { ports, context } = dev.service;
  logger.info("portico is running", {
    portal: context?.urls.portal,
    gateway: ports.gateway !== undefined ? `http://localhost:${ports.gateway}` : undefined,
    demo: ports.demo !== undefined ? `http://localhost:${ports.demo}` : undefined,
    role: "all",
    dev: true,
  });

  return runUntilSignal(logger, () => dev.close());
}
