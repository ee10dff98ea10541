/**
 * Usage under load: a fresh subscription is driven at full speed (closed
 * loop, exact counts) for a fixed time, then the usage that the service
 * recorded is read back, from the management API and from the database,
 * until it equals the calls served. Reports the flush delay (last answer →
 * usage complete in the API) and the database's growth.
 */
import { copyFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import type { LoadOptions, LoadResult } from "./loadgen.ts";
import type { PorticoInstance } from "./portico.ts";
import { run } from "./procs.ts";

export interface UsageResult {
  durationS: number;
  connections: number;
  /** 2xx answers the load generator received. */
  served: number;
  non2xx: number;
  errors: number;
  rps: number;
  /** Calls in the usage API for the subscription once complete. */
  recordedApi: number;
  /** sum(calls) in usage_minutes for the subscription, read from the database file. */
  recordedDb: number;
  rows: number;
  exact: boolean;
  /** From the last answer until the usage API showed every call (ms); flush interval for reference. */
  flushDelayMs: number;
  flushIntervalMs: number;
  /** Database files (main + WAL) after a WAL checkpoint, before and after the load. */
  dbBytesBefore: number;
  dbBytesAfter: number;
  /** WAL size just before the final checkpoint (space SQLite reuses after checkpoints). */
  walBytesPeak: number;
  /** (after − before) / served × 1e6, checkpointed. */
  bytesPerMillionCalls: number;
  /** usage_minutes rows per million calls at the measured rate (rows are per minute × subscription × operation). */
  rowsPerMillionCalls: number;
  /** Bytes one usage_minutes row takes, indexes included: measured by adding 10,000 copies of a row to a copy of the database. */
  bytesPerRow: number;
}

async function checkpoint(dataDir: string): Promise<void> {
  const db = createClient({ url: `file:${path.join(dataDir, "portico.db")}` });
  try {
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

async function fileBytes(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

async function dbBytes(dataDir: string): Promise<number> {
  let total = 0;
  for (const f of ["portico.db", "portico.db-wal", "portico.db-journal", "portico.db-shm"]) {
    try {
      total += (await stat(path.join(dataDir, f))).size;
    } catch {
      // absent
    }
  }
  return total;
}

/** Bytes per usage row: 10,000 copies of one of the subscription's rows (other minutes) added to a copy of the database. */
async function measureRowBytes(dataDir: string, subscriptionId: string): Promise<number> {
  const tmp = await mkdtemp(path.join(tmpdir(), "portico-usage-rows-"));
  const file = path.join(tmp, "copy.db");
  try {
    await copyFile(path.join(dataDir, "portico.db"), file);
    const db = createClient({ url: `file:${file}` });
    try {
      const columns = (await db.execute("PRAGMA table_info(usage_minutes)")).rows.map((r) => String(r.name)).filter((c) => c !== "id");
      const row = await db.execute({ sql: "select id from usage_minutes where subscription_id = ? limit 1", args: [subscriptionId] });
      const id = Number(row.rows[0]!.id);
      await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      const before = await dbFileBytes(file);
      const n = 10_000;
      const select = columns.map((c) => (c === "minute" ? "minute - 1000000 - k" : c)).join(", ");
      await db.execute({ sql: `WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ${n}) INSERT INTO usage_minutes (${columns.join(", ")}) SELECT ${select} FROM usage_minutes, n WHERE id = ?`, args: [id] });
      await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      return ((await dbFileBytes(file)) - before) / n;
    } finally {
      db.close();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function dbFileBytes(file: string): Promise<number> {
  return (await fileBytes(file)) + (await fileBytes(file + "-wal"));
}

export async function runUsageBench(o: { portico: PorticoInstance; durationS: number; connections: number; cpus: string | undefined; flushIntervalMs: number; log: (l: string) => void }): Promise<UsageResult> {
  const { portico } = o;
  const sub = await portico.newSubscription(`usage-${Date.now()}`);
  const from = new Date(Date.now() - 120_000);
  // The subscription's first (probe) calls are part of its usage: wait until they are written, and count them.
  await new Promise((r) => setTimeout(r, o.flushIntervalMs * 2 + 200));
  const before = await portico.usageCalls(sub.id, from);
  await checkpoint(portico.dataDir);
  const bytesBefore = await dbBytes(portico.dataDir);

  const options: LoadOptions = { mode: "closed", host: "127.0.0.1", port: portico.gatewayPort, path: "/keyed/item", headers: { "Ocp-Apim-Subscription-Key": sub.key }, connections: o.connections, warmupS: 0, durationS: o.durationS };
  const res = await run(process.execPath, [path.join(import.meta.dirname, "loadgen.ts"), JSON.stringify(options)], { cpus: o.cpus, timeoutMs: (o.durationS + 60) * 1000 });
  const ended = performance.now();
  if (res.code !== 0) throw new Error(`loadgen failed: ${res.stderr}`);
  const load = JSON.parse(res.stdout.trim().split("\n").pop()!) as LoadResult;
  const served = load.totalOk;
  const answered = load.totalOk + load.totalNon2xx;
  o.log(`  usage: ${served} calls served in ${o.durationS} s (${(served / o.durationS).toFixed(0)}/s), ${load.totalNon2xx} non-2xx, ${load.errors} errors; waiting for the usage to be written`);

  let recordedApi = before;
  let flushDelayMs = NaN;
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    recordedApi = await portico.usageCalls(sub.id, from);
    if (recordedApi - before >= answered) {
      flushDelayMs = performance.now() - ended;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const walBytesPeak = await fileBytes(path.join(portico.dataDir, "portico.db-wal"));
  await checkpoint(portico.dataDir);
  const bytesAfter = await dbBytes(portico.dataDir);
  const db = createClient({ url: `file:${path.join(portico.dataDir, "portico.db")}` });
  let recordedDb = NaN;
  let rows = NaN;
  try {
    const r = await db.execute({ sql: "select count(*) as n, coalesce(sum(calls), 0) as calls from usage_minutes where subscription_id = ?", args: [sub.id] });
    rows = Number(r.rows[0]!.n);
    recordedDb = Number(r.rows[0]!.calls);
  } finally {
    db.close();
  }
  const recorded = recordedApi - before;
  const bytesPerRow = await measureRowBytes(portico.dataDir, sub.id).catch(() => NaN);
  const rps = answered / o.durationS;
  return {
    durationS: o.durationS,
    connections: o.connections,
    served,
    non2xx: load.totalNon2xx,
    errors: load.errors,
    rps,
    recordedApi: recorded,
    recordedDb: recordedDb - before,
    rows,
    exact: recorded === answered && recordedDb - before === answered && load.errors === 0,
    flushDelayMs,
    flushIntervalMs: o.flushIntervalMs,
    dbBytesBefore: bytesBefore,
    dbBytesAfter: bytesAfter,
    walBytesPeak,
    bytesPerMillionCalls: ((bytesAfter - bytesBefore) / answered) * 1e6,
    rowsPerMillionCalls: (rows / answered) * 1e6,
    bytesPerRow,
  };
}
