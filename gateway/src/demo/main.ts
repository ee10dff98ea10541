/**
 * `portico demo`: runs the DroneFly demo backend on its own, on
 * `PORTICO_DEMO_PORT` (default 8090), until SIGTERM or SIGINT.
 *
 * Also runnable directly: `node gateway/src/demo/main.ts`.
 */
import { ConfigError } from "../errors.ts";
import { type DemoBackend, startDemoBackend } from "./backend.ts";

export const DEFAULT_DEMO_PORT = 8090;

export interface RunDemoOptions {
  /** Default: `PORTICO_DEMO_PORT`, else 8090. 0 picks a free port. */
  port?: number;
  /** Default `127.0.0.1`: reachable from this machine only. */
  host?: string;
  /** Where the one start-up line goes. Default: standard output. */
  log?: (line: string) => void;
  /** Called once listening, with a handle whose `close()` stops the run like a signal does. */
  onListening?: (backend: DemoBackend) => void;
  /** Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * Starts the backend, logs one line with its URL, and serves until SIGTERM
 * or SIGINT (requests in progress get a short grace period). Resolves with
 * the exit code once stopped: 0 after a clean stop, 1 when closing failed.
 * Rejects when it cannot listen.
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const port = options.port ?? portFromEnv(env.PORTICO_DEMO_PORT) ?? DEFAULT_DEMO_PORT;
  const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));

  let backend: DemoBackend;
  try {
    backend = await startDemoBackend({ port, host: options.host });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`the demo backend cannot listen on port ${port}: it is in use. Set PORTICO_DEMO_PORT or --port.`, {
        cause: err,
      });
    }
    throw err;
  }
  log(`DroneFly demo backend listening on ${backend.url}`);

  return new Promise<number>((resolve) => {
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        try {
          await backend.close();
          resolve(0);
        } catch (err) {
          process.stderr.write(`dronefly demo backend: could not close cleanly: ${String(err)}\n`);
          resolve(1);
        }
      })();
      return stopped;
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    options.onListening?.({ ...backend, close: stop });
  });
}

/** Reads a port number from the environment; undefined when unset or empty. */
export function portFromEnv(value: string | undefined, name = "PORTICO_DEMO_PORT"): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const port = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || port > 65_535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535; got "${value}".`);
  }
  return port;
}

if (import.meta.main) {
  runDemo().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`portico demo: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
