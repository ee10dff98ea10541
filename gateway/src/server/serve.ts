/**
 * `portico serve` and `portico dev`: read the settings, build the portal if
 * asked, start the service, and stop cleanly on SIGTERM or SIGINT.
 */
import { ConfigurationError, readConfig } from "../config.ts";
import { NoConfigurationError } from "../cluster/sync.ts";
import { ConfigError } from "../errors.ts";
import { createLogger, type Logger } from "../log.ts";
import { registerManagementApi } from "../management/app.ts";
import { buildPortal } from "./portal-build.ts";
import { ContentError, startService, type Role } from "./service.ts";

export interface ServeOptions {
  role: string;
  controlUrl?: string;
  buildIfChanged: boolean;
  watch?: boolean;
}

const ROLES: Role[] = ["all", "control", "gateway"];
/** A drain that takes longer than this is cut so that shutdown ends within 10 s. */
const SHUTDOWN_LIMIT_MS = 9_500;

export async function runServe(options: ServeOptions): Promise<number> {
  const logger = createLogger();
  if (!ROLES.includes(options.role as Role)) {
    process.stderr.write(`portico serve: --role must be one of ${ROLES.join(", ")}, got "${options.role}"\n`);
    return 2;
  }
  const role = options.role as Role;
  let config;
  try {
    config = readConfig(options.controlUrl !== undefined ? { ...process.env, PORTICO_CONTROL_URL: options.controlUrl } : process.env);
  } catch (err) {
    if (err instanceof ConfigurationError) {
      process.stderr.write(`portico serve: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  if (options.buildIfChanged && role !== "gateway") {
    const built = await buildPortal(config, { force: false, log: (line) => logger.info(line) });
    if (!built.ok) return 1;
  }

  let service;
  try {
    service = await startService(config, { role, logger, registerManagement: registerManagementApi });
  } catch (err) {
    if (err instanceof ContentError || err instanceof ConfigError || err instanceof NoConfigurationError) {
      process.stderr.write(`portico serve: ${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      process.stderr.write(`portico serve: ${(err as Error).message}: another process uses that port (set PORTICO_PORT, PORTICO_GATEWAY_PORT or PORTICO_DEMO_PORT)\n`);
      return 1;
    }
    throw err;
  }
  const { ports, context } = service;
  logger.info("portico is running", {
    portal: ports.control !== undefined ? context?.urls.portal : undefined,
    gateway: ports.gateway !== undefined ? `http://localhost:${ports.gateway}` : undefined,
    demo: ports.demo !== undefined ? `http://localhost:${ports.demo}` : undefined,
    role,
  });

  return runUntilSignal(logger, () => service.close());
}

/**
 * Waits for SIGTERM or SIGINT, then closes (draining in-flight calls) and
 * resolves the exit code: 0 when closed in time, 1 on an error or when
 * closing takes longer than SHUTDOWN_LIMIT_MS.
 */
export function runUntilSignal(logger: Logger, close: () => Promise<void>): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info("stopping", { signal });
      const hardStop = setTimeout(() => {
        logger.error("shutdown took too long; exiting");
        resolve(1);
      }, SHUTDOWN_LIMIT_MS);
      hardStop.unref();
      close().then(
        () => {
          clearTimeout(hardStop);
          logger.info("stopped");
          resolve(0);
        },
        (err: unknown) => {
          clearTimeout(hardStop);
          logger.error("error while stopping", { err });
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
