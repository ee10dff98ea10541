/**
 * `npm run bench`: gateway overhead against the backend alone, nginx and a
 * bare Node proxy; usage exactness under load; the portal build at scale.
 * Prints a markdown report and writes results/latest.{json,md} (a run with
 * --quick or --only writes results/partial.{json,md} instead, so that the
 * committed full results stay).
 *
 *   npm run bench                      the full run (about 15 minutes)
 *   npm run bench -- --quick           short durations, 1 round (under 5 minutes)
 *   npm run bench -- --only bare,portico-keyed   some scenarios (or: usage, build)
 *   npm run bench -- --skip build      everything but the portal build
 *   npm run bench -- --cpu-prof        Portico runs with --cpu-prof (profiles in results/profiles/)
 */
import { spawnSync } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, totalmem } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runBuildBench, type BuildResult } from "./build-bench.ts";
import { CLEAN_LAG_MS, evaluateTargets, layout, runGatewayBench, SCENARIO_TEXT, SCENARIOS, startServers, type Scenario, type ScenarioResult, type Target } from "./gateway-bench.ts";
import { SERVICE_NODE_FLAGS } from "../../gateway/src/server/node-flags.ts";
import { nginxBinary } from "./nginx.ts";
import { run } from "./procs.ts";
import { runUsageBench, type UsageResult } from "./usage-bench.ts";

const PARTS = [...SCENARIOS, "alloc", "usage", "build"] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    skip: { type: "string" },
    rounds: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
    "redis-url": { type: "string" },
    sizes: { type: "string" },
    /** Re-renders the report (and the README section) from a results JSON without measuring. */
    render: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(`usage: npm run bench -- [--quick] [--only ${PARTS.join(",")}] [--skip …] [--rounds N] [--sizes 300,600] [--cpu-prof] [--redis-url URL]\n`);
  process.exit(0);
}

function parts(list: string | undefined): Part[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!(PARTS as readonly string[]).includes(n)) throw new Error(`unknown part "${n}"; parts: ${PARTS.join(", ")}`);
  return names as Part[];
}
const only = parts(values.only);
const skip = parts(values.skip) ?? [];
const selected = (only ?? [...PARTS]).filter((p) => !skip.includes(p));
const quick = values.quick === true;
const full = !quick && only === undefined && skip.length === 0 && values.rounds === undefined && values.sizes === undefined;

const log = (line: string) => process.stdout.write(line + "\n");
const RESULTS = path.join(import.meta.dirname, "results");

/** Installs a Debian package with apt-get (through sudo when not root) when `bin` is missing. */
function ensureTool(bin: string, pkg: string): void {
  if (spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0) return;
  if (bin === "nginx" && nginxBinary() !== undefined) return;
  log(`installing ${pkg} (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args: string[]) => {
    const [cmd, ...rest] = process.getuid?.() === 0 ? ["apt-get", ...args] : ["sudo", "apt-get", ...args];
    return spawnSync(cmd!, rest, { env, stdio: "inherit" }).status;
  };
  if (apt(["install", "-y", "-qq", pkg]) === 0) return;
  // A fresh machine may have no package lists yet: update once and retry.
  apt(["update", "-qq"]);
  if (apt(["install", "-y", "-qq", pkg]) !== 0) throw new Error(`could not install ${pkg}; install it and run again`);
}

async function machine() {
  const cpuinfo = await readFile("/proc/cpuinfo", "utf8").catch(() => "");
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? "unknown";
  const mhz = /cpu MHz\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim();
  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args);
    return (r.stdout?.toString() + r.stderr?.toString()).trim().split("\n")[0] ?? "";
  };
  return {
    nproc: availableParallelism(),
    cpu: mhz ? `${model} @ ${Number(mhz).toFixed(0)} MHz` : model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    wrk: version("wrk", ["-v"]),
    nginx: nginxBinary() ? version(nginxBinary()!, ["-v"]) : "not installed",
    redis: version("redis-server", ["--version"]) || version("redis-cli", ["--version"]),
    kernel: version("uname", ["-sr"]),
  };
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) : "–");

function report(r: Report): string {
  const lines: string[] = [];
  lines.push(`# Portico bench — ${r.startedAt}${r.full ? "" : " (partial run: " + r.settings.parts.join(", ") + (r.settings.quick ? ", --quick" : "") + ")"}`);
  lines.push("");
  lines.push(
    `Machine: ${r.machine.nproc} CPUs (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, ${r.machine.kernel}; Node ${r.machine.node}; ${r.machine.nginx}; ${r.machine.wrk.split(" [")[0]}; ${r.machine.redis.split(" sha")[0]}.`,
  );
  const ls = r.loadSamples;
  lines.push(
    `Load average (1/5/15 min) at start: ${r.loadStart.map((x) => x.toFixed(2)).join(" / ")}; at end: ${r.loadEnd.map((x) => x.toFixed(2)).join(" / ")}` +
      (ls.length > 0 ? `; 1-min load sampled every 10 s during the run: ${Math.min(...ls).toFixed(2)}–${Math.max(...ls).toFixed(2)}, mean ${(ls.reduce((a, b) => a + b, 0) / ls.length).toFixed(2)} (the bench itself adds about 2 while it runs).` : "."),
  );
  lines.push(`Pinning: ${r.layout}.`);
  if (r.gateway.length > 0) {
    const s = r.settings;
    lines.push("");
    lines.push("## Gateway");
    lines.push("");
    lines.push(
      `Max throughput: wrk, 1 thread, ${s.wrk.connections} keep-alive connections, ${s.wrk.warmupS} s warm-up then ${s.wrk.durationS} s, ${s.rounds} round(s), median. ` +
        `Latency: open-loop generator (test/bench/loadgen.ts) at a fixed ${s.fixed.rate} calls/s over ${s.fixed.connections} connections, ${s.fixed.warmupS} s warm-up then ${s.fixed.durationS} s, latency from each call's scheduled send time (coordinated omission corrected), ${s.rounds} round(s), median of each percentile.`,
    );
    lines.push("");
    lines.push(`| scenario | max req/s | vs bare | CPU µs/call | p50 ms @${s.fixed.rate}/s | p99 ms | p99.9 ms | added p50 | added p99 |`);
    lines.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    const by = new Map(r.gateway.map((g) => [g.scenario, g.median]));
    const bare = by.get("bare");
    const direct = by.get("direct");
    for (const g of r.gateway) {
      const m = g.median;
      lines.push(
        `| ${g.scenario} | ${f(m.rps)} | ${bare ? f(m.rps / bare.rps, 2) : "–"} | ${f(m.proxyCpuUs, 1)} | ${f(m.p50, 3)} | ${f(m.p99, 3)} | ${f(m.p999, 3)} | ${direct && g.scenario !== "direct" ? f(m.p50 - direct.p50, 3) : "–"} | ${direct && g.scenario !== "direct" ? f(m.p99 - direct.p99, 3) : "–"} |`,
      );
    }
    lines.push("");
    lines.push("CPU µs/call: user + system CPU time of the proxy's processes (nginx: master and worker; Portico: its one process) during the measured wrk run, divided by the calls served; for direct, the backend's. It is steadier than req/s on a shared machine, since time stolen by other processes is not counted.");
    lines.push("");
    for (const g of r.gateway) {
      const redis = g.throughput.map((t) => t.redisCpuUs).filter((x): x is number => x !== undefined);
      const backend = g.throughput.map((t) => t.backendCpuUs).filter((x): x is number => x !== undefined);
      lines.push(
        `- **${g.scenario}**: ${SCENARIO_TEXT[g.scenario]}. Rounds (req/s): ${g.throughput.map((t) => f(t.rps)).join(", ")}; p99 (ms): ${g.fixed.map((x) => f(x.latency.p99, 3) + (x.schedLag.p99 > CLEAN_LAG_MS ? " (starved)" : "")).join(", ")}` +
          (g.scenario !== "direct" && backend.length > 0 ? `; backend CPU µs/call: ${backend.map((x) => f(x, 1)).join(", ")}` : "") +
          (redis.length > 0 ? `; redis-server CPU µs/call: ${redis.map((x) => f(x, 1)).join(", ")}` : "") +
          ".",
      );
    }
    const errors = r.gateway.flatMap((g) => [...g.throughput.filter((t) => t.non2xx + t.socketErrors > 0).map(() => g.scenario), ...g.fixed.filter((x) => x.non2xx + x.errors + x.unanswered > 0).map(() => g.scenario)]);
    lines.push(errors.length === 0 ? "- Every answer in every round was a 2xx; no socket errors." : `- Rounds with non-2xx answers or errors: ${[...new Set(errors)].join(", ")} (see latest.json).`);
    const lag = r.gateway.flatMap((g) => g.fixed.map((x) => x.schedLag.p99));
    lines.push(
      `- The open-loop generator's own lateness (when it noticed a call was due, before any wait for a connection), p99 per run: ${f(Math.min(...lag), 3)}–${f(Math.max(...lag), 3)} ms. Latency is measured from the schedule, so a generator starved of CPU by other processes inflates the tail of that run: runs with a lateness p99 over ${CLEAN_LAG_MS} ms are retried once and left out of the medians (unless no run of the scenario was clean). Runs used: ${r.gateway.map((g) => `${g.scenario} ${g.cleanRuns > 0 ? g.cleanRuns : `0 clean, all ${g.fixed.length} used`}/${g.fixed.length}`).join(", ")}.`,
    );
    if (r.targets.length > 0) {
      lines.push("");
      lines.push("### Targets (DESIGN §9)");
      lines.push("");
      lines.push("| target | goal | measured | met |");
      lines.push("|---|---|---:|:---:|");
      for (const t of r.targets) lines.push(`| ${t.name} | ${t.target} | ${t.display} | ${t.met ? "yes" : t.display.includes("not measurable") ? "n/a" : "**no**"} |`);
    }
  }
  if (r.alloc) {
    lines.push("");
    lines.push("## Allocation and garbage collection per call");
    lines.push("");
    lines.push(
      "Measured inside the serving process (`test/bench/alloc.ts`: the service in-process, role all, as `portico serve` runs it, and the bare proxy beside it; wrk, 64 connections): JavaScript heap bytes allocated per call (V8's `total_allocated_bytes`) and the garbage collections observed (`perf_hooks` gc entries). Neither moves much with the machine's load. Run with the service's V8 flags and again with a 2 MiB semi-space (the service's flag before it was raised to 16). The bare proxy here shares its heap with the service, so its GC is not the standalone proxy's.",
    );
    lines.push("");
    lines.push("| V8 flags | path | KiB allocated per call | vs bare | scavenges per 10k calls | scavenge µs per call | major GC µs per call | longest pause |");
    lines.push("|---|---|---:|---:|---:|---:|---:|---:|");
    for (const a of r.alloc) {
      const bare = r.alloc.find((b) => b.alloc === "bare" && b.flags === a.flags);
      lines.push(`| \`${a.flags}\` | ${a.alloc} | ${f(a.bytesPerCall / 1024, 2)} | ${bare ? f(a.bytesPerCall / bare.bytesPerCall, 2) + "×" : "–"} | ${f(a.gc.minorPer10k)} | ${f(a.gc.minorUsPerCall, 1)} | ${f(a.gc.majorUsPerCall, 1)} | ${f(a.gc.maxPauseMs, 1)} ms |`);
    }
  }
  if (r.usage) {
    const u = r.usage;
    lines.push("");
    lines.push("## Usage under load");
    lines.push("");
    lines.push(`| calls served (2xx) | recorded (API) | recorded (db) | exact | rate | flush delay | usage rows | bytes per row | db growth per 1M calls |`);
    lines.push("|---:|---:|---:|:---:|---:|---:|---:|---:|---:|");
    lines.push(
      `| ${f(u.served)} | ${f(u.recordedApi)} | ${f(u.recordedDb)} | ${u.exact ? "yes" : "**no**"} | ${f(u.rps)}/s for ${u.durationS} s | ${f(u.flushDelayMs)} ms (flush every ${u.flushIntervalMs} ms) | ${f(u.rows)} | ${f(u.bytesPerRow)} B | ${f((u.rowsPerMillionCalls * u.bytesPerRow) / 1024, 1)} KiB at this rate; ≤ ${f((1e6 * u.bytesPerRow) / 1024 / 1024)} MiB worst case |`,
    );
    lines.push("");
    lines.push(
      `Closed loop, ${u.connections} connections, one fresh subscription on portico-keyed (memory counters); "served" counts every 2xx the generator received, after waiting for every call in flight, and both usage figures are read once the usage API shows them all ("flush delay": from the last answer to that moment, polling every 25 ms). ` +
        `Usage is stored per minute × subscription × API × operation, so the database grows with minutes of traffic, not with calls: ${f(u.rows)} rows for ${f(u.served)} calls (${f(u.rowsPerMillionCalls, 1)} rows per million calls at this rate). ` +
        `A row takes ${f(u.bytesPerRow)} bytes with its indexes (measured by adding 10,000 rows to a copy of the database), so a million calls add ${f((u.rowsPerMillionCalls * u.bytesPerRow) / 1024, 1)} KiB at this rate, and at most ${f((1e6 * u.bytesPerRow) / 1024 / 1024)} MiB in the worst case of one call per row (every call in a different minute, subscription or operation). ` +
        `The database files after a WAL checkpoint went from ${f(u.dbBytesBefore)} to ${f(u.dbBytesAfter)} bytes during the run; the WAL reached ${f(u.walBytesPeak)} bytes before its checkpoint (the once-a-second upserts rewrite the same pages; the space is reused).`,
    );
  }
  if (r.build) {
    lines.push("");
    lines.push(r.build.markdown);
  }
  return lines.join("\n") + "\n";
}

interface AllocRow {
  alloc: string;
  flags: string;
  bytesPerCall: number;
  calls: number;
  non2xx: number;
  gc: { minorPer10k: number; majorPer10k: number; minorUsPerCall: number; majorUsPerCall: number; maxPauseMs: number };
}

interface Report {
  startedAt: string;
  full: boolean;
  machine: Awaited<ReturnType<typeof machine>>;
  loadStart: number[];
  loadEnd: number[];
  /** The 1-minute load average sampled every 10 s during the run. */
  loadSamples: number[];
  layout: string;
  settings: {
    quick: boolean;
    parts: Part[];
    rounds: number;
    wrk: { warmupS: number; durationS: number; connections: number };
    fixed: { rate: number; warmupS: number; durationS: number; connections: number };
  };
  gateway: ScenarioResult[];
  targets: Target[];
  /** JavaScript heap bytes allocated and GC per call, measured inside the serving process (alloc.ts). */
  alloc?: AllocRow[];
  usage?: UsageResult;
  build?: BuildResult;
  durationS: number;
}

if (values.render !== undefined) {
  const saved = JSON.parse(await readFile(values.render, "utf8")) as Report;
  saved.targets = evaluateTargets(saved.gateway);
  await writeReport(saved);
  process.exit(0);
}

const started = performance.now();
const scenarios = selected.filter((p): p is Scenario => (SCENARIOS as readonly string[]).includes(p));
const wantUsage = selected.includes("usage");
const wantBuild = selected.includes("build");
if (scenarios.length > 0) ensureTool("wrk", "wrk");
if (scenarios.includes("nginx")) ensureTool("nginx", "nginx-light");

const lay = layout();
const rounds = values.rounds !== undefined ? Number(values.rounds) : quick ? 1 : 3;
const settings: Report["settings"] = {
  quick,
  parts: selected,
  rounds,
  wrk: quick ? { warmupS: 1, durationS: 3, connections: 64 } : { warmupS: 3, durationS: 10, connections: 64 },
  fixed: quick ? { rate: 2000, warmupS: 1, durationS: 4, connections: 32 } : { rate: 2000, warmupS: 2, durationS: 10, connections: 32 },
};
const report_: Report = {
  startedAt: new Date().toISOString(),
  full,
  machine: await machine(),
  loadStart: loadavg(),
  loadEnd: [],
  loadSamples: [],
  layout: lay.text,
  settings,
  gateway: [],
  targets: [],
  durationS: 0,
};
log(`Portico bench: ${selected.join(", ")}${quick ? " (quick)" : ""}; ${report_.machine.nproc} CPUs, load ${report_.loadStart.map((x) => x.toFixed(2)).join(" ")}; ${lay.text}`);

const loadTimer = setInterval(() => report_.loadSamples.push(loadavg()[0]!), 10_000);
loadTimer.unref();

const redisUrl = values["redis-url"] ?? process.env.PORTICO_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const needServers = scenarios.length > 0 || wantUsage;
if (needServers) {
  const serverScenarios: Scenario[] = wantUsage && !scenarios.includes("portico-keyed") ? [...scenarios, "portico-keyed"] : scenarios;
  const profileDir = path.join(RESULTS, "profiles");
  if (values["cpu-prof"]) await mkdir(profileDir, { recursive: true });
  const servers = await startServers({ scenarios: serverScenarios, redisUrl, nodeArgs: values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [], log, lay });
  try {
    if (scenarios.length > 0) {
      log("gateway scenarios:");
      report_.gateway = await runGatewayBench({ scenarios, rounds, wrk: settings.wrk, fixed: settings.fixed, retries: quick ? 0 : 1, redisUrl, nodeArgs: [], log }, servers, lay);
      report_.targets = evaluateTargets(report_.gateway);
    }
    if (wantUsage) {
      log("usage under load:");
      report_.usage = await runUsageBench({ portico: servers.portico!, durationS: quick ? 30 : 60, connections: 32, cpus: lay.load, flushIntervalMs: 1000, log });
    }
  } finally {
    await servers.stop();
  }
}
if (selected.includes("alloc")) {
  report_.alloc = [];
  for (const flags of [[...SERVICE_NODE_FLAGS], [...SERVICE_NODE_FLAGS, "--max-semi-space-size=2"]]) {
    log(`allocation and GC per call (in-process, ${flags.join(" ")}):`);
    const res = await run(process.execPath, [...flags, path.join(import.meta.dirname, "alloc.ts"), quick ? "3" : "8"], {
      cpus: lay.server,
      env: { ...process.env, PORTICO_BENCH_SERVER_CPUS: lay.server ?? "", PORTICO_BENCH_LOAD_CPUS: lay.load ?? "" },
      timeoutMs: 180_000,
    });
    if (res.code !== 0) throw new Error(`alloc.ts failed: ${res.stderr}`);
    for (const line of res.stdout.split("\n")) {
      if (!line.startsWith("{")) continue;
      const a = { ...(JSON.parse(line) as AllocRow), flags: flags.join(" ") };
      report_.alloc.push(a);
      log(`  ${a.alloc.padEnd(14)} ${(a.bytesPerCall / 1024).toFixed(2)} KiB per call, ${a.gc.minorPer10k.toFixed(0)} scavenges per 10k calls, GC ${(a.gc.minorUsPerCall + a.gc.majorUsPerCall).toFixed(1)} µs per call`);
    }
  }
}
if (wantBuild) {
  log("portal build at scale:");
  const sizes = values.sizes ? values.sizes.split(",").map(Number) : quick ? [300, 600] : [300, 600, 1200, 2400];
  report_.build = await runBuildBench({ sizes, log });
}

clearInterval(loadTimer);
report_.loadEnd = loadavg();
report_.durationS = (performance.now() - started) / 1000;
await writeReport(report_);

async function writeReport(r: Report): Promise<void> {
  const md = report(r);
  await mkdir(RESULTS, { recursive: true });
  const name = r.full ? "latest" : "partial";
  await writeFile(path.join(RESULTS, `${name}.json`), JSON.stringify(r, null, 2) + "\n");
  await writeFile(path.join(RESULTS, `${name}.md`), md);
  if (r.full) {
    // The README shows the latest full results between two markers.
    const readme = path.join(import.meta.dirname, "README.md");
    const text = await readFile(readme, "utf8").catch(() => "");
    const start = text.indexOf("<!-- results:start -->");
    const end = text.indexOf("<!-- results:end -->");
    if (start !== -1 && end > start) {
      const body = md.replace(/^# .*\n/, "").replace(/^## /gm, "#### ");
      await writeFile(readme, `${text.slice(0, start)}<!-- results:start -->\n_Written by \`npm run bench\` on ${r.startedAt}, in ${(r.durationS / 60).toFixed(1)} minutes; the same as results/latest.md._\n${body}\n${text.slice(end)}`);
    }
  }
  log("");
  log(md);
  log(`written: test/bench/results/${name}.json and ${name}.md (${r.durationS.toFixed(0)} s)`);
}

