/**
 * The gateway scenarios: every proxy in front of the same backend, measured
 * in one run, round-robin (each round visits every scenario, in a rotated
 * order, so a slow minute of a noisy machine is spread over all of them).
 *
 * Pinning (when `taskset` exists and there are at least 2 CPUs): the server
 * side (backend + the proxy under test) on CPU 0, the load generator (wrk,
 * or the open-loop generator) on CPU 1. The backend shares CPU 0 with every
 * proxy, so every proxy pays the same backend cost; in "direct" the backend
 * has CPU 0 alone. Redis (a system service) is not pinned.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { SERVICE_NODE_FLAGS } from "../../gateway/src/server/node-flags.ts";
import type { LoadOptions, LoadResult } from "./loadgen.ts";
import { startNginx } from "./nginx.ts";
import { startPortico, writeBenchContent, type PorticoInstance } from "./portico.ts";
import { cpuMs, pidsNamed, run, start, portLine, type Proc } from "./procs.ts";

export const SCENARIOS = ["direct", "nginx", "bare", "portico-open", "portico-keyed", "portico-redis", "bare-svcflags", "portico-keyed-semi2"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_TEXT: Record<Scenario, string> = {
  direct: "the backend alone (node:http, fixed 84-byte JSON)",
  nginx: "nginx reverse proxy, 1 worker, keep-alive upstream, no access log",
  bare: "bare node:http + undici Pool.stream() proxy (DESIGN §4's 1.00)",
  "portico-open": "Portico gateway, open API, no policies (usage still recorded)",
  "portico-keyed": "Portico, key auth + rate-limit + quota + usage, memory counters",
  "portico-redis": "same as portico-keyed with counters in Redis",
  "bare-svcflags": `supplementary: the bare proxy run with the service's V8 flags (${SERVICE_NODE_FLAGS.join(" ")})`,
  "portico-keyed-semi2": "supplementary: portico-keyed in a process started with --max-semi-space-size=2 (the service's flag before it was raised to 16) after the service's flags",
};

export interface GatewayBenchOptions {
  scenarios: Scenario[];
  rounds: number;
  wrk: { warmupS: number; durationS: number; connections: number };
  fixed: { rate: number; warmupS: number; durationS: number; connections: number };
  /** Extra attempts for a fixed-rate run whose generator was starved of CPU by other processes. */
  retries: number;
  redisUrl: string;
  /** Extra node flags for the Portico processes (e.g. --cpu-prof). */
  nodeArgs: string[];
  log: (line: string) => void;
}

export interface ThroughputRound {
  rps: number;
  /** CPU time of the proxy's processes (for direct: the backend's) per call, µs. */
  proxyCpuUs?: number;
  /** CPU time of the backend per call, µs. */
  backendCpuUs?: number;
  /** CPU time of redis-server per call (portico-redis only), µs. */
  redisCpuUs?: number;
  p50: number;
  p99: number;
  non2xx: number;
  socketErrors: number;
}

/** A fixed-rate run counts only when the generator kept its schedule: its own lateness p99 at most this (ms). */
export const CLEAN_LAG_MS = 1;

export interface ScenarioResult {
  scenario: Scenario;
  throughput: ThroughputRound[];
  /** Every fixed-rate run, starved ones included (see `clean`). */
  fixed: LoadResult[];
  /** How many fixed-rate runs the medians use: those where the generator kept its schedule (or all, when none did). */
  cleanRuns: number;
  median: {
    rps: number;
    proxyCpuUs: number;
    /** Open-loop latency at the fixed rate (ms), medians over rounds. */
    p50: number;
    p99: number;
    p999: number;
  };
}

export interface Target {
  name: string;
  target: string;
  value: number;
  display: string;
  met: boolean;
}

export interface Layout {
  server: string | undefined;
  load: string | undefined;
  text: string;
}

export function layout(): Layout {
  if (availableParallelism() < 2) return { server: undefined, load: undefined, text: "not pinned (fewer than 2 CPUs)" };
  return { server: "0", load: "1", text: "backend + proxy under test on CPU 0, load generator on CPU 1 (taskset -c); Redis unpinned" };
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

function parseWrkMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

export function parseWrk(out: string): ThroughputRound {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = parseWrkMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? "");
  const p99 = parseWrkMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? "");
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = se ? Number(se[1]) + Number(se[2]) + Number(se[3]) + Number(se[4]) : 0;
  return { rps, p50, p99, non2xx, socketErrors };
}

/** Where a scenario is called, and whose CPU time is its cost. */
interface Endpoint {
  /** The process whose CPU time is the proxy's (the backend's for direct). */
  pid: number;
  port: number;
  path: string;
  headers: Record<string, string>;
}

export interface Servers {
  targets: Partial<Record<Scenario, Endpoint>>;
  backendPort: number;
  backendPid: number;
  portico?: PorticoInstance;
  porticoRedis?: PorticoInstance;
  versions: Record<string, string>;
  tmp: string;
  stop(): Promise<void>;
}

export async function startServers(o: { scenarios: Scenario[]; redisUrl: string; nodeArgs: string[]; log: (l: string) => void; lay: Layout }): Promise<Servers> {
  const tmp = await mkdtemp(path.join(tmpdir(), "portico-bench-"));
  const procs: Proc[] = [];
  const targets: Servers["targets"] = {};
  const versions: Record<string, string> = {};
  const stop = async () => {
    for (const p of procs.reverse()) await p.stop();
    await rm(tmp, { recursive: true, force: true });
  };
  try {
    const backend = await start("backend", process.execPath, [path.join(import.meta.dirname, "backend.ts"), "0"], { cpus: o.lay.server, ready: portLine });
    procs.push(backend.proc);
    const backendPort = backend.value;
    const backendPid = backend.proc.child.pid!;
    const direct = { pid: backendPid, port: backendPort, path: "/b/item", headers: {} };
    if (o.scenarios.includes("direct")) targets.direct = direct;
    if (o.scenarios.includes("nginx")) {
      const nginx = await startNginx(path.join(tmp, "nginx"), backendPort, o.lay.server);
      procs.push(nginx.proc);
      versions.nginx = nginx.version;
      targets.nginx = { ...direct, pid: nginx.proc.child.pid!, port: nginx.port };
    }
    if (o.scenarios.includes("bare")) {
      const bare = await start("bare-proxy", process.execPath, [path.join(import.meta.dirname, "bare-proxy.ts"), `http://127.0.0.1:${backendPort}`, "0"], { cpus: o.lay.server, ready: portLine });
      procs.push(bare.proc);
      targets.bare = { ...direct, pid: bare.proc.child.pid!, port: bare.value };
    }
    if (o.scenarios.includes("bare-svcflags")) {
      const bare = await start("bare-proxy-flags", process.execPath, [...SERVICE_NODE_FLAGS, path.join(import.meta.dirname, "bare-proxy.ts"), `http://127.0.0.1:${backendPort}`, "0"], { cpus: o.lay.server, ready: portLine });
      procs.push(bare.proc);
      targets["bare-svcflags"] = { ...direct, pid: bare.proc.child.pid!, port: bare.value };
    }
    const contentDir = path.join(tmp, "content");
    await writeBenchContent(contentDir);
    let portico: PorticoInstance | undefined;
    let porticoRedis: PorticoInstance | undefined;
    if (o.scenarios.some((s) => s === "portico-open" || s === "portico-keyed")) {
      o.log("starting Portico (memory counters)");
      portico = await startPortico({ contentDir, dataDir: path.join(tmp, "data-memory"), backendPort, cpus: o.lay.server, nodeArgs: o.nodeArgs });
      procs.push(portico.proc);
      const sub = await portico.newSubscription("bench");
      targets["portico-open"] = { pid: portico.proc.child.pid!, port: portico.gatewayPort, path: "/open/item", headers: {} };
      targets["portico-keyed"] = { pid: portico.proc.child.pid!, port: portico.gatewayPort, path: "/keyed/item", headers: { "Ocp-Apim-Subscription-Key": sub.key } };
    }
    if (o.scenarios.includes("portico-redis")) {
      o.log("starting Portico (Redis counters)");
      const prefix = `portico-bench-${process.pid}-${Date.now()}:`;
      porticoRedis = await startPortico({ contentDir, dataDir: path.join(tmp, "data-redis"), backendPort, cpus: o.lay.server, redis: { url: o.redisUrl, prefix }, nodeArgs: o.nodeArgs });
      procs.push(porticoRedis.proc);
      const sub = await porticoRedis.newSubscription("bench");
      targets["portico-redis"] = { pid: porticoRedis.proc.child.pid!, port: porticoRedis.gatewayPort, path: "/keyed/item", headers: { "Ocp-Apim-Subscription-Key": sub.key } };
    }
    if (o.scenarios.includes("portico-keyed-semi2")) {
      o.log("starting Portico (memory counters, --max-semi-space-size=2)");
      const p = await startPortico({ contentDir, dataDir: path.join(tmp, "data-semi2"), backendPort, cpus: o.lay.server, nodeArgs: [...o.nodeArgs, "--max-semi-space-size=2"] });
      procs.push(p.proc);
      const sub = await p.newSubscription("bench");
      targets["portico-keyed-semi2"] = { pid: p.proc.child.pid!, port: p.gatewayPort, path: "/keyed/item", headers: { "Ocp-Apim-Subscription-Key": sub.key } };
    }
    for (const s of o.scenarios) if (!targets[s]) throw new Error(`scenario ${s} has no server`);
    return { targets, backendPort, backendPid, portico, porticoRedis, versions, tmp, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function wrk(t: Endpoint, seconds: number, connections: number, cpus: string | undefined): Promise<ThroughputRound> {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency"];
  for (const [k, v] of Object.entries(t.headers)) args.push("-H", `${k}: ${v}`);
  args.push(`http://127.0.0.1:${t.port}${t.path}`);
  const res = await run("wrk", args, { cpus, timeoutMs: (seconds + 30) * 1000 });
  if (res.code !== 0) throw new Error(`wrk failed: ${res.stderr}${res.stdout}`);
  return parseWrk(res.stdout);
}

async function openLoop(t: Endpoint, o: GatewayBenchOptions["fixed"], cpus: string | undefined): Promise<LoadResult> {
  const options: LoadOptions = { mode: "open", host: "127.0.0.1", port: t.port, path: t.path, headers: t.headers, connections: o.connections, rate: o.rate, warmupS: o.warmupS, durationS: o.durationS };
  const res = await run(process.execPath, [path.join(import.meta.dirname, "loadgen.ts"), JSON.stringify(options)], { cpus, timeoutMs: (o.warmupS + o.durationS + 60) * 1000 });
  if (res.code !== 0) throw new Error(`loadgen failed: ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!) as LoadResult;
}

export async function runGatewayBench(o: GatewayBenchOptions, servers: Servers, lay: Layout): Promise<ScenarioResult[]> {
  const results = new Map<Scenario, ScenarioResult>();
  for (const s of o.scenarios) results.set(s, { scenario: s, throughput: [], fixed: [], cleanRuns: 0, median: { rps: NaN, proxyCpuUs: NaN, p50: NaN, p99: NaN, p999: NaN } });
  const order = (round: number) => o.scenarios.map((_, i) => o.scenarios[(i + round) % o.scenarios.length]!);

  for (let round = 0; round < o.rounds; round++) {
    for (const s of order(round)) {
      const t = servers.targets[s]!;
      await wrk(t, o.wrk.warmupS, o.wrk.connections, lay.load);
      const redisPids = s === "portico-redis" ? await pidsNamed("redis-server") : [];
      const redisCpu = async () => (await Promise.all(redisPids.map(cpuMs))).reduce((a, b) => a + b, 0);
      const redis0 = await redisCpu();
      const cpu0 = await cpuMs(t.pid);
      const backend0 = await cpuMs(servers.backendPid);
      const r = await wrk(t, o.wrk.durationS, o.wrk.connections, lay.load);
      const calls = r.rps * o.wrk.durationS;
      r.proxyCpuUs = (((await cpuMs(t.pid)) - cpu0) * 1000) / calls;
      r.backendCpuUs = (((await cpuMs(servers.backendPid)) - backend0) * 1000) / calls;
      if (redisPids.length > 0) r.redisCpuUs = (((await redisCpu()) - redis0) * 1000) / calls;
      results.get(s)!.throughput.push(r);
      o.log(`  max throughput  round ${round + 1}/${o.rounds}  ${s.padEnd(14)} ${r.rps.toFixed(0).padStart(6)} req/s  ${r.proxyCpuUs.toFixed(1).padStart(6)} µs CPU/call${r.redisCpuUs !== undefined ? ` (+ redis-server ${r.redisCpuUs.toFixed(1)} µs)` : ""}${r.non2xx + r.socketErrors > 0 ? `  (${r.non2xx} non-2xx, ${r.socketErrors} socket errors)` : ""}`);
    }
  }
  for (let round = 0; round < o.rounds; round++) {
    for (const s of order(round)) {
      const t = servers.targets[s]!;
      for (let attempt = 0; attempt <= o.retries; attempt++) {
        const r = await openLoop(t, o.fixed, lay.load);
        results.get(s)!.fixed.push(r);
        const clean = r.schedLag.p99 <= CLEAN_LAG_MS;
        o.log(
          `  ${o.fixed.rate}/s open loop round ${round + 1}/${o.rounds}  ${s.padEnd(14)} p50 ${r.latency.p50.toFixed(3)}  p99 ${r.latency.p99.toFixed(3)}  p99.9 ${r.latency.p999.toFixed(3)} ms` +
            `  (sent ${r.ok + r.non2xx}, non-2xx ${r.non2xx}, errors ${r.errors + r.unanswered}, generator lag p99 ${r.schedLag.p99.toFixed(3)} ms${clean ? "" : ": starved, not used" + (attempt < o.retries ? ", again" : "")})`,
        );
        if (clean) break;
      }
    }
  }
  for (const r of results.values()) {
    const clean = r.fixed.filter((x) => x.schedLag.p99 <= CLEAN_LAG_MS);
    const used = clean.length > 0 ? clean : r.fixed;
    r.cleanRuns = clean.length;
    r.median = {
      rps: median(r.throughput.map((x) => x.rps)),
      proxyCpuUs: median(r.throughput.map((x) => x.proxyCpuUs ?? NaN)),
      p50: median(used.map((x) => x.latency.p50)),
      p99: median(used.map((x) => x.latency.p99)),
      p999: median(used.map((x) => x.latency.p999)),
    };
  }
  return [...results.values()];
}

export function evaluateTargets(results: ScenarioResult[]): Target[] {
  const by = new Map(results.map((r) => [r.scenario, r.median]));
  const out: Target[] = [];
  const direct = by.get("direct");
  const bare = by.get("bare");
  const open = by.get("portico-open");
  for (const s of ["portico-keyed", "portico-redis", "portico-keyed-semi2"] as const) {
    const k = by.get(s);
    if (k === undefined) continue;
    if (bare) {
      const c = bare.proxyCpuUs / k.proxyCpuUs;
      out.push({ name: `${s}: CPU per call, bare proxy ÷ this (supporting, not a §9 target)`, target: "≥ 0.80", value: c, display: `${bare.proxyCpuUs.toFixed(1)} / ${k.proxyCpuUs.toFixed(1)} µs = ${c.toFixed(2)}`, met: c >= 0.8 });
      const v = k.rps / bare.rps;
      out.push({ name: `${s}: throughput vs bare proxy`, target: "≥ 0.80", value: v, display: v.toFixed(2), met: v >= 0.8 });
    }
    if (open) {
      const v = k.rps / open.rps;
      out.push({ name: `${s}: throughput vs portico-open`, target: "≥ 0.90 (within 10%)", value: v, display: v.toFixed(2), met: v >= 0.9 });
    }
    if (direct) {
      const v = k.p50 - direct.p50;
      out.push({ name: `${s}: added p50 at the fixed rate`, target: "≤ 0.100 ms", value: v, display: `${v.toFixed(3)} ms`, met: v <= 0.1 });
    }
    if (direct && bare) {
      const added = k.p99 - direct.p99;
      const bareAdded = bare.p99 - direct.p99;
      // A ratio only means something when the bare proxy adds a measurable p99.
      const v = bareAdded > 0 ? added / bareAdded : NaN;
      out.push({
        name: `${s}: added p99 vs bare proxy's added p99`,
        target: "≤ 1.5×",
        value: v,
        display: Number.isFinite(v) ? `${added.toFixed(3)} / ${bareAdded.toFixed(3)} ms = ${v.toFixed(2)}×` : `${added.toFixed(3)} / ${bareAdded.toFixed(3)} ms: not measurable (direct's p99 above the proxies')`,
        // When the bare proxy's added p99 is not above zero, the direct run's tail was disturbed: no verdict.
        met: Number.isFinite(v) ? v <= 1.5 || added <= 0 : false,
      });
    }
  }
  return out;
}
