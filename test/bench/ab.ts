/**
 * Before/after on a shared machine: runs the gateway of two checkouts (and
 * the bare proxy) side by side on the same pinned core and backend, and
 * alternates short wrk runs between them, so that a slow minute of the
 * machine falls on both. Reports, per target, the median CPU time per call
 * (user + system of the serving process, from /proc) and req/s.
 *
 *   node test/bench/ab.ts --a /tmp/base --b . [--rounds 8] [--seconds 5] [--path keyed|open]
 *                         [--flags-a="--max-semi-space-size=8"] [--flags-b …] [--no-bare] [--redis redis://127.0.0.1:6379]
 *
 * With --together, each round loads A and B at the same time (one wrk
 * each, on the load core, against servers on the same core): the other
 * work of a shared machine then hits both alike, and each one's CPU time
 * per call is over the same seconds. The steadiest comparison here.
 *
 * With --rate N, each run is the open-loop generator (loadgen.ts) at N
 * calls/s instead, and the report is the median p50 and p99 latency
 * (from the schedule, as in the bench's fixed-rate table).
 *
 * A checkout is a folder with the repository's files (e.g. `git archive
 * <commit> | tar -x -C /tmp/base`, node_modules linked in). Flags are added
 * after the service's own V8 flags (V8 takes the last).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { layout, parseWrk } from "./gateway-bench.ts";
import { startPortico, writeBenchContent } from "./portico.ts";
import { cpuMs, portLine, run, start, type Proc } from "./procs.ts";

const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string", default: "." },
    "flags-a": { type: "string", default: "" },
    "flags-b": { type: "string", default: "" },
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "5" },
    path: { type: "string", default: "keyed" },
    "no-bare": { type: "boolean", default: false },
    connections: { type: "string", default: "64" },
    /** Counters in this Redis (both checkouts, each under its own key prefix) instead of memory. */
    redis: { type: "string" },
    /** Instead of wrk at full speed: the open-loop generator at this many calls/s, reporting latency percentiles. */
    rate: { type: "string" },
    /** Load both checkouts at the same time (a wrk each, same core), so that whatever else the machine does falls on both alike. */
    together: { type: "boolean", default: false },
  },
  strict: true,
});
if (values.a === undefined) throw new Error("usage: ab.ts --a <checkout> [--b <checkout>] [--rounds N] [--seconds S] [--path keyed|open]");
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const lay = layout();
const log = (line: string) => process.stdout.write(line + "\n");

interface Target {
  name: string;
  pid: number;
  url: string;
  headers: string[];
  cpu: number[];
  rps: number[];
  p50: number[];
  p99: number[];
}

const tmp = await mkdtemp(path.join(tmpdir(), "portico-ab-"));
const procs: Proc[] = [];
try {
  const backend = await start("backend", process.execPath, [path.join(import.meta.dirname, "backend.ts"), "0"], { cpus: lay.server, ready: portLine });
  procs.push(backend.proc);
  const contentDir = path.join(tmp, "content");
  await writeBenchContent(contentDir);
  const targets: Target[] = [];
  if (!values["no-bare"]) {
    const bare = await start("bare-proxy", process.execPath, [path.join(import.meta.dirname, "bare-proxy.ts"), `http://127.0.0.1:${backend.value}`, "0"], { cpus: lay.server, ready: portLine });
    procs.push(bare.proc);
    targets.push({ name: "bare", pid: bare.proc.child.pid!, url: `http://127.0.0.1:${bare.value}/b/item`, headers: [], cpu: [], rps: [], p50: [], p99: [] });
  }
  for (const [name, root, flags] of [
    ["A", values.a, values["flags-a"]],
    ["B", values.b, values["flags-b"]],
  ] as const) {
    const redis = values.redis === undefined ? undefined : { url: values.redis, prefix: `portico-ab-${process.pid}-${name}:` };
    const p = await startPortico({ contentDir, dataDir: path.join(tmp, `data-${name}`), backendPort: backend.value, cpus: lay.server, root: path.resolve(root), nodeArgs: flags.split(" ").filter(Boolean), redis });
    procs.push(p.proc);
    const sub = await p.newSubscription("ab");
    const keyed = values.path === "keyed";
    targets.push({
      name: `${name} ${values.path}`,
      pid: p.proc.child.pid!,
      url: `http://127.0.0.1:${p.gatewayPort}/${values.path}/item`,
      headers: keyed ? ["-H", `Ocp-Apim-Subscription-Key: ${sub.key}`] : [],
      cpu: [],
      rps: [],
      p50: [],
      p99: [],
    });
  }
  log(`A = ${values.a} ${values["flags-a"]}; B = ${values.b} ${values["flags-b"]}; ${rounds} rounds of ${seconds} s, wrk -c${values.connections}, server CPU ${lay.server ?? "any"}, load CPU ${lay.load ?? "any"}`);
  for (const t of targets) await run("wrk", ["-t1", `-c${values.connections}`, "-d3s", ...t.headers, t.url], { cpus: lay.load });
  for (let round = 0; round < rounds && values.together; round++) {
    const pair = targets.filter((t) => t.name !== "bare");
    const cpu0 = await Promise.all(pair.map((t) => cpuMs(t.pid)));
    const results = await Promise.all(pair.map((t) => run("wrk", ["-t1", `-c${values.connections}`, `-d${seconds}s`, ...t.headers, t.url], { cpus: lay.load, timeoutMs: (seconds + 30) * 1000 })));
    const cpu1 = await Promise.all(pair.map((t) => cpuMs(t.pid)));
    pair.forEach((t, i) => {
      const r = parseWrk(results[i]!.stdout);
      if (r.non2xx + r.socketErrors > 0) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.socketErrors} socket errors`);
      t.cpu.push(((cpu1[i]! - cpu0[i]!) * 1000) / (r.rps * seconds));
      t.rps.push(r.rps);
    });
    log(`round ${round + 1} (together): ` + pair.map((t) => `${t.name} ${t.cpu.at(-1)!.toFixed(1)} µs ${t.rps.at(-1)!.toFixed(0)}/s`).join(" | "));
  }
  for (let round = 0; round < rounds && !values.together; round++) {
    // Rotate the order so that no target always follows the same one.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const t of order) {
      const cpu0 = await cpuMs(t.pid);
      if (values.rate !== undefined) {
        const u = new URL(t.url);
        const headers: Record<string, string> = {};
        for (let i = 1; i < t.headers.length; i += 2) {
          const [name, ...value] = t.headers[i]!.split(": ");
          headers[name!] = value.join(": ");
        }
        const options = { mode: "open", host: u.hostname, port: Number(u.port), path: u.pathname, headers, connections: 32, rate: Number(values.rate), warmupS: 1, durationS: seconds };
        const res = await run(process.execPath, [path.join(import.meta.dirname, "loadgen.ts"), JSON.stringify(options)], { cpus: lay.load, timeoutMs: (seconds + 60) * 1000 });
        const r = JSON.parse(res.stdout.trim().split("\n").pop()!) as { ok: number; non2xx: number; errors: number; latency: { p50: number; p99: number } };
        if (r.non2xx + r.errors > 0) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
        t.cpu.push((((await cpuMs(t.pid)) - cpu0) * 1000) / (Number(values.rate) * (seconds + 1)));
        t.rps.push(Number(values.rate));
        t.p50.push(r.latency.p50);
        t.p99.push(r.latency.p99);
        continue;
      }
      const res = await run("wrk", ["-t1", `-c${values.connections}`, `-d${seconds}s`, ...t.headers, t.url], { cpus: lay.load, timeoutMs: (seconds + 30) * 1000 });
      const r = parseWrk(res.stdout);
      if (r.non2xx + r.socketErrors > 0) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.socketErrors} socket errors`);
      const us = (((await cpuMs(t.pid)) - cpu0) * 1000) / (r.rps * seconds);
      t.cpu.push(us);
      t.rps.push(r.rps);
    }
    log(`round ${round + 1}: ` + targets.map((t) => `${t.name} ${t.cpu.at(-1)!.toFixed(1)} µs ${values.rate === undefined ? `${t.rps.at(-1)!.toFixed(0)}/s` : `p50 ${t.p50.at(-1)!.toFixed(3)} p99 ${t.p99.at(-1)!.toFixed(3)} ms`}`).join(" | "));
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  log("median CPU µs/call, req/s:");
  for (const t of targets) log(`  ${t.name.padEnd(10)} ${median(t.cpu).toFixed(1).padStart(6)} µs  ${median(t.rps).toFixed(0).padStart(6)} req/s${values.rate === undefined ? "" : `  p50 ${median(t.p50).toFixed(3)} ms  p99 ${median(t.p99).toFixed(3)} ms`}`);
  const [a, b] = targets.filter((t) => t.name !== "bare");
  // Paired: each round's B against the same round's A.
  const ratios = a!.cpu.map((x, i) => b!.cpu[i]! / x);
  log(`B/A CPU per call, paired by round: median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`);
  log(JSON.stringify({ ab: targets.map((t) => ({ name: t.name, cpuUs: median(t.cpu), rps: median(t.rps), cpu: t.cpu, rpsAll: t.rps, p50: t.p50, p99: t.p99 })) }));
} finally {
  for (const p of procs.reverse()) await p.stop();
  await rm(tmp, { recursive: true, force: true });
}
