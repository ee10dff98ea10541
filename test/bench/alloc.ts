/**
 * Bytes the JavaScript heap allocates per proxied call, for the bare proxy
 * and Portico's gateway paths, measured inside the process that serves them
 * (V8's `total_allocated_bytes` around a wrk run). Unlike req/s it does not
 * move with the machine's load, so it shows the effect of a hot-path change
 * on a shared machine: with a semi-space of N MiB every N MiB allocated
 * is one scavenge, and scavenges were the largest single cost per call in
 * the profiles (see README, Findings).
 *
 *   node --max-semi-space-size=16 test/bench/alloc.ts [seconds] [rate]
 *
 * With a rate, the measured load is the open-loop generator (loadgen.ts) at
 * that many calls per second instead of wrk at full speed: per-call
 * allocation then compares across versions that run at different speeds
 * (at full speed, a slower version serves fewer calls per wake-up and pays
 * each wake-up's allocations over fewer calls).
 *
 * Runs the service in this process (role all, like `portico serve`), the
 * backend in a child process, wrk as the load; prints one line per path.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import { request } from "undici";
import { readConfig } from "../../gateway/src/config.ts";
import { silentLogger } from "../../gateway/src/log.ts";
import { registerManagementApi } from "../../gateway/src/management/app.ts";
import { startService } from "../../gateway/src/server/service.ts";
import { createBareProxy } from "./bare-proxy.ts";
import { writeBenchContent } from "./portico.ts";
import { portLine, run, start } from "./procs.ts";

const seconds = Number(process.argv[2] ?? 5);
const rate = process.argv[3] === undefined ? undefined : Number(process.argv[3]);

// Garbage collections, as the process sees them (count and pause time by kind).
const gcs: PerformanceEntry[] = [];
const gcObserver = new PerformanceObserver((list) => void gcs.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ["gc"] });
const gcKind = (e: PerformanceEntry) => ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? "minor" : "major");
const tmp = await mkdtemp(path.join(tmpdir(), "portico-alloc-"));
const backend = await start("backend", process.execPath, [path.join(import.meta.dirname, "backend.ts"), "0"], { ready: portLine, cpus: process.env.PORTICO_BENCH_SERVER_CPUS || undefined });
try {
  await writeBenchContent(path.join(tmp, "content"));
  const admin = { email: "alloc@example.com", password: "alloc correct horse battery staple" };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORTICO_PORT: "0",
    PORTICO_GATEWAY_PORT: "0",
    PORTICO_DEMO: "0",
    PORTICO_CONTENT: path.join(tmp, "content"),
    PORTICO_THEMES: path.join(import.meta.dirname, "../../themes"),
    PORTICO_DATA: path.join(tmp, "data"),
    PORTICO_DIST: path.join(tmp, "dist"),
    PORTICO_ACCESS_LOG: "off",
    PORTICO_ADMIN_EMAIL: admin.email,
    PORTICO_ADMIN_PASSWORD: admin.password,
    BENCH_BACKEND_PORT: String(backend.value),
  };
  delete env.PORTICO_REDIS_URL;
  const service = await startService(readConfig(env, process.cwd()), { role: "all", logger: silentLogger, env, registerManagement: registerManagementApi });
  const control = `http://127.0.0.1:${service.ports.control}`;
  const signIn = await request(`${control}/api/v1/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) });
  await signIn.body.text();
  const setCookie = signIn.headers["set-cookie"];
  const cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? ""]).map((c) => c.split(";")[0]).join("; ");
  const sub = (await (await request(`${control}/api/v1/subscriptions`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ product: "bench", name: "alloc", acceptTerms: true }) })).body.json()) as { id: string };
  const keys = (await (await request(`${control}/api/v1/subscriptions/${sub.id}/keys`, { headers: { cookie } })).body.json()) as { primaryKey: string };

  const bare = createBareProxy(`http://127.0.0.1:${backend.value}`);
  await new Promise<void>((resolve) => (bare.server as Server).listen(0, "127.0.0.1", resolve));
  const barePort = (bare.server.address() as { port: number }).port;

  const paths: Array<[string, string, string[]]> = [
    ["bare", `http://127.0.0.1:${barePort}/b/item`, []],
    ["portico-open", `http://127.0.0.1:${service.ports.gateway}/open/item`, []],
    ["portico-keyed", `http://127.0.0.1:${service.ports.gateway}/keyed/item`, ["-H", `Ocp-Apim-Subscription-Key: ${keys.primaryKey}`]],
  ];
  for (const [name, url, headers] of paths) {
    const load = process.env.PORTICO_BENCH_LOAD_CPUS || undefined;
    await run("wrk", ["-t1", "-c64", "-d1s", ...headers, url], { cpus: load });
    const before = getHeapStatistics().total_allocated_bytes;
    gcs.length = 0;
    const res =
      rate === undefined
        ? await run("wrk", ["-t1", "-c64", `-d${seconds}s`, ...headers, url], { cpus: load })
        : await openLoop(url, headers, rate, load);
    const allocated = getHeapStatistics().total_allocated_bytes - before;
    await new Promise((r) => setImmediate(r));
    const minor = gcs.filter((e) => gcKind(e) === "minor");
    const major = gcs.filter((e) => gcKind(e) === "major");
    const ms = (list: PerformanceEntry[]) => list.reduce((a, e) => a + e.duration, 0);
    const calls = Number(/(\d+) requests in/.exec(res.stdout)?.[1] ?? NaN);
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(res.stdout)?.[1] ?? 0);
    const gc = { minorPer10k: (minor.length / calls) * 1e4, majorPer10k: (major.length / calls) * 1e4, minorUsPerCall: (ms(minor) * 1000) / calls, majorUsPerCall: (ms(major) * 1000) / calls, maxPauseMs: Math.max(0, ...gcs.map((e) => e.duration)) };
    process.stdout.write(
      `${name.padEnd(14)} ${(allocated / calls / 1024).toFixed(2).padStart(6)} KiB allocated per call (${calls} calls${non2xx ? `, ${non2xx} non-2xx` : ""}); ` +
        `scavenges ${gc.minorPer10k.toFixed(0)} per 10k calls, ${gc.minorUsPerCall.toFixed(1)} µs per call; major GCs ${gc.majorPer10k.toFixed(1)} per 10k calls, ${gc.majorUsPerCall.toFixed(1)} µs per call; longest pause ${gc.maxPauseMs.toFixed(1)} ms\n`,
    );
    process.stdout.write(JSON.stringify({ alloc: name, bytesPerCall: allocated / calls, calls, non2xx, gc }) + "\n");
  }
  bare.server.closeAllConnections();
  bare.server.close();
  await bare.pool.close();
  await service.close();
  gcObserver.disconnect();
} finally {
  await backend.proc.stop();
  await rm(tmp, { recursive: true, force: true });
}

/** The open-loop generator at `rate` calls/s for `seconds`, its counts printed the way wrk prints them. */
async function openLoop(url: string, headers: string[], rate: number, cpus: string | undefined): Promise<{ stdout: string }> {
  const u = new URL(url);
  const h: Record<string, string> = {};
  for (let i = 1; i < headers.length; i += 2) {
    const [name, ...value] = headers[i]!.split(": ");
    h[name!] = value.join(": ");
  }
  const options = { mode: "open", host: u.hostname, port: Number(u.port), path: u.pathname, headers: h, connections: 32, rate, warmupS: 0, durationS: seconds };
  const res = await run(process.execPath, [path.join(import.meta.dirname, "loadgen.ts"), JSON.stringify(options)], { cpus, timeoutMs: (seconds + 60) * 1000 });
  const r = JSON.parse(res.stdout.trim().split("\n").pop()!) as { ok: number; non2xx: number };
  return { stdout: `${r.ok + r.non2xx} requests in ${seconds}s\nNon-2xx or 3xx responses: ${r.non2xx}\n` };
}
