/**
 * Frees the dead socket buffers of large bodies before they pile up.
 *
 * Every socket read gives a new ArrayBuffer (up to 64 KiB, outside the JS
 * heap). A proxy drops it as soon as the chunk is written on, but only a
 * garbage collection frees it, and V8 schedules collections by JS
 * allocation, which relaying a large body barely does: with a young
 * generation of several MiB, a 100 MB download left up to ~65 MB of dead
 * buffers behind (V8 collects for external memory only past about 64 MB).
 * So while a large body is in flight (proxy.ts and the upgrade path say
 * when), this looks at V8's external memory every `intervalMs` and, when it
 * has grown by `thresholdBytes` since the last look that found it lower,
 * runs a young-generation collection, which frees them (about a
 * millisecond, once per `thresholdBytes` relayed). Calls with small bodies
 * never start it: it costs them nothing.
 *
 * That keeps a large body's memory bounded whatever the young generation's
 * size, so the service can run with a semi-space sized for throughput
 * (node-flags.ts).
 */
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface BufferReaperOptions {
  /** External memory growth that triggers a collection. */
  thresholdBytes: number;
  intervalMs: number;
}

export const DEFAULT_REAPER: BufferReaperOptions = { thresholdBytes: 8 * 1024 * 1024, intervalMs: 25 };

type Gc = (options: { type: "minor" | "major"; execution: "sync" | "async" }) => void;

let gcFunction: Gc | null | undefined;

/**
 * V8's `gc()`, without exposing it to the rest of the process: the flag is
 * set, a fresh context picks the function up, and the flag is left as it
 * was for later contexts. Null when V8 refuses.
 */
function gcOf(): Gc | null {
  if (gcFunction !== undefined) return gcFunction;
  const global = globalThis as { gc?: Gc };
  if (typeof global.gc === "function") return (gcFunction = global.gc);
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    setFlagsFromString("--no-expose-gc");
    gcFunction = typeof gc === "function" ? (gc as Gc) : null;
  } catch {
    gcFunction = null;
  }
  return gcFunction;
}

export interface BufferReaper {
  /** A large body started: watch while any is in flight. */
  opened(): void;
  closed(): void;
  /** Collections this reaper triggered. */
  readonly collections: number;
}

export function createBufferReaper(options: BufferReaperOptions = DEFAULT_REAPER): BufferReaper {
  // Looked up on first use: a process that never relays a large body never touches V8's flags.
  let gc: Gc | null | undefined;
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  let floor = 0;
  let collections = 0;
  const look = () => {
    const external = getHeapStatistics().external_memory;
    if (external < floor) floor = external;
    else if (external - floor >= options.thresholdBytes && gc) {
      gc({ type: "minor", execution: "sync" });
      collections++;
      floor = getHeapStatistics().external_memory;
    }
  };
  return {
    opened() {
      if (open++ === 0 && (gc ??= gcOf()) !== null) {
        floor = getHeapStatistics().external_memory;
        timer = setInterval(look, options.intervalMs);
        timer.unref();
      }
    },
    closed() {
      if (open === 0) return;
      if (--open === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    get collections() {
      return collections;
    },
  };
}

/** Bodies from this size on (or of unknown size) are watched. */
export const LARGE_BODY_BYTES = 1024 * 1024;

/** The process's reaper: collections are process-wide, so one watches every gateway in the process. */
export const largeBodies: BufferReaper = createBufferReaper();

/** Whether a body announced with these headers is large enough to watch: no Content-Length (chunked, or until close) or at least LARGE_BODY_BYTES. */
export function isLargeBody(contentLength: string | string[] | undefined): boolean {
  if (contentLength === undefined) return true;
  const n = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  return !(n < LARGE_BODY_BYTES);
}
