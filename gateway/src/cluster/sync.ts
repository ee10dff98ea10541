/**
 * A gateway node's link to its control plane: take the last snapshot from
 * disk (so it serves at once, even with the control plane down), fetch a
 * fresh one, then follow the event stream. After any break it reconnects
 * with backoff and fetches the whole snapshot again, since events may have
 * been missed in between.
 */
import { request } from "undici";
import type { StoredKeyEntry } from "../gateway/key-cache.ts";
import type { Logger } from "../log.ts";
import type { ClusterEvent } from "./hub.ts";
import { isSnapshot, loadSnapshot, saveSnapshot, type ConfigSnapshot } from "./snapshot.ts";

export interface ClusterSyncOptions {
  controlUrl: string;
  token: string;
  dataDir: string;
  logger: Logger;
  /** Applies a whole snapshot (catalog and keys). */
  applySnapshot: (snapshot: ConfigSnapshot) => void;
  /** Applies one subscription's current keys. */
  applyKeys: (subscriptionId: string, entries: StoredKeyEntry[]) => void;
  /** Longest wait between reconnection attempts. */
  maxBackoffMs?: number;
}

export interface SyncStatus {
  /** Where the configuration in use came from. */
  source: "none" | "disk" | "control";
  version: string | null;
  connected: boolean;
  /** When the configuration was last confirmed current by the control plane. */
  lastSyncAt: string | null;
  reconnects: number;
}

/** Thrown by start() when neither the control plane nor a saved snapshot gives a configuration. */
export class NoConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoConfigurationError";
  }
}

export class ClusterSync {
  #options: ClusterSyncOptions;
  #status: SyncStatus = { source: "none", version: null, connected: false, lastSyncAt: null, reconnects: 0 };
  #closed = false;
  #abort = new AbortController();
  #loop: Promise<void> | null = null;

  constructor(options: ClusterSyncOptions) {
    this.#options = { ...options, controlUrl: options.controlUrl.replace(/\/+$/, "") };
  }

  get status(): SyncStatus {
    return { ...this.#status };
  }

  /**
   * Resolves once a configuration is in use: from disk at once when there
   * is one, otherwise from the control plane (waiting for it up to
   * `timeoutMs`). Then keeps following changes in the background.
   */
  async start(timeoutMs = 30_000): Promise<void> {
    const saved = await loadSnapshot(this.#options.dataDir);
    if (saved) {
      this.#apply(saved, "disk");
      this.#options.logger.info("serving the last saved configuration until the control plane answers", { version: saved.catalog.version, issuedAt: saved.issuedAt });
    }
    const first = new Promise<void>((resolve, reject) => {
      const timer = saved ? undefined : setTimeout(() => reject(new NoConfigurationError(`no configuration: the control plane at ${this.#options.controlUrl} did not answer within ${timeoutMs} ms and no snapshot is saved`)), timeoutMs);
      this.#loop = this.#run(() => {
        if (timer) clearTimeout(timer);
        resolve();
      });
    });
    if (saved) return;
    await first;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    await this.#loop?.catch(() => {});
  }

  async #run(onFirstSync: () => void): Promise<void> {
    let backoff = 100;
    let first = true;
    while (!this.#closed) {
      try {
        // The stream is opened before the snapshot is fetched (on its
        // "hello"), so no change can fall between the two.
        await this.#follow(async () => {
          await this.#refresh();
          backoff = 100;
          if (first) {
            first = false;
            onFirstSync();
          }
        });
      } catch (err) {
        if (this.#closed) return;
        this.#status.connected = false;
        this.#options.logger.warn("control plane unreachable; serving the configuration in use", { error: (err as Error).message, retryInMs: backoff });
      }
      if (this.#closed) return;
      this.#status.reconnects++;
      await sleep(backoff, this.#abort.signal);
      backoff = Math.min(backoff * 2, this.#options.maxBackoffMs ?? 5_000);
    }
  }

  async #fetchSnapshot(): Promise<ConfigSnapshot> {
    const res = await request(`${this.#options.controlUrl}/cluster/v1/snapshot`, {
      headers: { authorization: `Bearer ${this.#options.token}` },
      signal: this.#abort.signal,
      headersTimeout: 10_000,
      bodyTimeout: 30_000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`snapshot request answered ${res.statusCode}`);
    }
    const body: unknown = await res.body.json();
    if (!isSnapshot(body)) throw new Error("the control plane sent a snapshot this node cannot read");
    return body;
  }

  async #refresh(): Promise<void> {
    const snapshot = await this.#fetchSnapshot();
    this.#apply(snapshot, "control");
    await saveSnapshot(this.#options.dataDir, snapshot).catch((err: Error) => this.#options.logger.warn("could not save the configuration snapshot", { error: err.message }));
  }

  /** Reads the event stream until it ends; events apply in order as they come. */
  async #follow(onHello: () => Promise<void>): Promise<void> {
    const res = await request(`${this.#options.controlUrl}/cluster/v1/events`, {
      headers: { authorization: `Bearer ${this.#options.token}`, accept: "text/event-stream" },
      signal: this.#abort.signal,
      headersTimeout: 10_000,
      // The control plane sends a heartbeat every 15 s; silence for longer means the link is dead.
      bodyTimeout: 45_000,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`event stream answered ${res.statusCode}`);
    }
    this.#status.connected = true;
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += (chunk as Buffer).toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        await this.#onEvent(raw, onHello);
      }
    }
    this.#status.connected = false;
    throw new Error("event stream ended");
  }

  async #onEvent(raw: string, onHello: () => Promise<void>): Promise<void> {
    let type = "message";
    let data = "";
    for (const line of raw.split("\n")) {
      if (line.startsWith("event:")) type = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trimStart();
    }
    this.#status.lastSyncAt = new Date().toISOString();
    if (type === "hello") return onHello();
    if (type !== "keys" && type !== "catalog") return;
    const event = JSON.parse(data) as ClusterEvent;
    if (event.type === "keys") this.#options.applyKeys(event.subscriptionId, event.entries);
    else if (event.version !== this.#status.version) await this.#refresh();
  }

  #apply(snapshot: ConfigSnapshot, source: "disk" | "control"): void {
    this.#options.applySnapshot(snapshot);
    this.#status.source = source;
    this.#status.version = snapshot.catalog.version;
    if (source === "control") this.#status.lastSyncAt = new Date().toISOString();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
