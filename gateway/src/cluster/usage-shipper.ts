/**
 * Usage from a gateway node to its control plane. Each flush becomes a
 * batch with a unique id, sent at once; when the control plane cannot take
 * it, the batch goes to a spool folder on disk and is retried oldest first
 * until it lands. The control plane adds a batch id only once, so a retry
 * after a lost answer never counts twice.
 *
 * The spool is bounded (`maxSpoolBytes`); past the bound the oldest batches
 * are dropped, counted and logged. A control plane that is down for minutes
 * therefore loses nothing; one that is down for days loses the oldest usage
 * rather than filling the disk.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { request } from "undici";
import type { Logger } from "../log.ts";
import type { UsageRow } from "../usage/aggregate.ts";

export interface UsageShipperOptions {
  controlUrl: string;
  token: string;
  spoolDir: string;
  logger: Logger;
  maxSpoolBytes?: number;
  retryMs?: number;
}

export interface ShipperStats {
  sentBatches: number;
  spooledBatches: number;
  spoolBytes: number;
  droppedBatches: number;
  droppedCalls: number;
}

const node = randomBytes(4).toString("hex");

export class UsageShipper {
  #options: Required<UsageShipperOptions>;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | null = null;
  #stats: ShipperStats = { sentBatches: 0, spooledBatches: 0, spoolBytes: 0, droppedBatches: 0, droppedCalls: 0 };

  constructor(options: UsageShipperOptions) {
    this.#options = {
      maxSpoolBytes: 256 * 1024 * 1024,
      retryMs: 1_000,
      ...options,
      controlUrl: options.controlUrl.replace(/\/+$/, ""),
    };
  }

  get stats(): ShipperStats {
    return { ...this.#stats };
  }

  async start(): Promise<void> {
    await mkdir(this.#options.spoolDir, { recursive: true, mode: 0o700 });
    this.#stats.spoolBytes = await this.#spoolSize();
    this.#timer = setInterval(() => void this.drain(), this.#options.retryMs);
    this.#timer.unref();
    void this.drain();
  }

  /** The UsageRecorder's writer: never fails while the disk works; rows are sent or spooled. */
  write = async (rows: UsageRow[]): Promise<void> => {
    const batchId = `${node}-${Date.now().toString(36)}-${(++this.#seq).toString(36)}`;
    if (this.#stats.spooledBatches === 0 && (await this.#send(batchId, rows))) return;
    await this.#spool(batchId, rows);
  };

  /** Sends spooled batches, oldest first, until one fails. */
  drain(): Promise<void> {
    this.#draining ??= this.#drainOnce().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.drain();
  }

  async #drainOnce(): Promise<void> {
    let files: string[];
    try {
      files = (await readdir(this.#options.spoolDir)).filter((f) => f.endsWith(".json")).sort();
    } catch {
      return;
    }
    this.#stats.spooledBatches = files.length;
    for (const name of files) {
      const file = path.join(this.#options.spoolDir, name);
      let batch: { batchId: string; rows: UsageRow[] };
      try {
        batch = JSON.parse(await readFile(file, "utf8"));
      } catch {
        await unlink(file).catch(() => {});
        continue;
      }
      if (!(await this.#send(batch.batchId, batch.rows))) return;
      const size = (await stat(file).catch(() => ({ size: 0 }))).size;
      await unlink(file).catch(() => {});
      this.#stats.spooledBatches--;
      this.#stats.spoolBytes = Math.max(0, this.#stats.spoolBytes - size);
    }
  }

  async #send(batchId: string, rows: UsageRow[]): Promise<boolean> {
    try {
      const res = await request(`${this.#options.controlUrl}/cluster/v1/usage`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.#options.token}`, "content-type": "application/json" },
        body: JSON.stringify({ batchId, rows }),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await res.body.dump();
      if (res.statusCode === 204) {
        this.#stats.sentBatches++;
        return true;
      }
      if (res.statusCode === 400) {
        // A batch the control plane will never accept must not block the spool.
        this.#options.logger.error("control plane refused a usage batch as invalid; dropped", { batchId });
        this.#drop(rows);
        return true;
      }
      return false;
    } catch {
      return false;
    }
  }

  async #spool(batchId: string, rows: UsageRow[]): Promise<void> {
    const text = JSON.stringify({ batchId, rows });
    const name = `${Date.now().toString().padStart(15, "0")}-${batchId}.json`;
    const file = path.join(this.#options.spoolDir, name);
    await writeFile(`${file}.tmp`, text, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    this.#stats.spooledBatches++;
    this.#stats.spoolBytes += Buffer.byteLength(text);
    if (this.#stats.spooledBatches === 1) this.#options.logger.warn("control plane unreachable; usage is spooled on disk", { spoolDir: this.#options.spoolDir });
    await this.#enforceBound();
  }

  async #enforceBound(): Promise<void> {
    if (this.#stats.spoolBytes <= this.#options.maxSpoolBytes) return;
    const files = (await readdir(this.#options.spoolDir)).filter((f) => f.endsWith(".json")).sort();
    for (const name of files) {
      if (this.#stats.spoolBytes <= this.#options.maxSpoolBytes) break;
      const file = path.join(this.#options.spoolDir, name);
      try {
        const text = await readFile(file, "utf8");
        this.#drop((JSON.parse(text) as { rows: UsageRow[] }).rows);
        await unlink(file);
        this.#stats.spooledBatches--;
        this.#stats.spoolBytes -= Buffer.byteLength(text);
      } catch {
        await unlink(file).catch(() => {});
      }
    }
    this.#options.logger.error("usage spool full; oldest usage dropped", { droppedCalls: this.#stats.droppedCalls, maxSpoolBytes: this.#options.maxSpoolBytes });
  }

  #drop(rows: UsageRow[]): void {
    this.#stats.droppedBatches++;
    this.#stats.droppedCalls += rows.reduce((n, r) => n + r.calls, 0);
  }

  async #spoolSize(): Promise<number> {
    let total = 0;
    let count = 0;
    for (const name of await readdir(this.#options.spoolDir)) {
      if (!name.endsWith(".json")) continue;
      total += (await stat(path.join(this.#options.spoolDir, name))).size;
      count++;
    }
    this.#stats.spooledBatches = count;
    return total;
  }
}
