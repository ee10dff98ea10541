/**
 * Child processes of the bench: started pinned to a CPU with `taskset`
 * (when present), waited for until they print their address, and stopped
 * by their own pid only.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";

export interface Proc {
  child: ChildProcess;
  name: string;
  output(): string;
  stop(): Promise<void>;
}

const hasTaskset = spawnSync("taskset", ["--version"]).status === 0;

/** The CPUs this machine offers, as `taskset -c` lists. */
export const PINNING = hasTaskset;

/** `[cmd, ...args]` run on `cpus` (e.g. "0"), or unpinned when taskset is missing or cpus is undefined. */
export function pinned(cpus: string | undefined, cmd: string, args: string[]): [string, string[]] {
  if (!hasTaskset || cpus === undefined) return [cmd, args];
  return ["taskset", ["-c", cpus, cmd, ...args]];
}

/** Starts a process (pinned to `cpus`) and returns at once. */
export function spawnProc(name: string, cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; cpus?: string } = {}): Proc {
  const [c, a] = pinned(options.cpus, cmd, args);
  const child = spawn(c, a, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stderr!.on("data", keep);
  child.stdout!.on("data", keep);
  return {
    child,
    name,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Starts a process and resolves once a line of its stdout satisfies `ready`
 * (returning the value to resolve with).
 */
export function start<T>(name: string, cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; cpus?: string; ready: (line: string) => T | undefined; timeoutMs?: number }): Promise<{ proc: Proc; value: T }> {
  const proc = spawnProc(name, cmd, args, options);
  const child = proc.child;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in time:\n${proc.output()}`)), options.timeoutMs ?? 30_000);
    let pending = "";
    let done = false;
    const onData = (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const value = options.ready(line);
        if (value !== undefined) {
          done = true;
          clearTimeout(timer);
          child.stdout!.off("data", onData);
          resolve({ proc, value });
          return;
        }
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      if (done) return;
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${proc.output()}`));
    });
  });
}

/** `{"port": N}` printed by the bench's own servers. */
export function portLine(line: string): number | undefined {
  try {
    const v = JSON.parse(line) as { port?: number };
    return typeof v.port === "number" ? v.port : undefined;
  } catch {
    return undefined;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion, capturing its output. */
export function run(cmd: string, args: string[], options: { cpus?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [c, a] = pinned(options.cpus, cmd, args);
  return new Promise((resolve, reject) => {
    const child = spawn(c, a, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Sums a figure of /proc/<pid>/stat over `rootPid` and its descendants.
 * `pick` receives the stat fields after the command name (field 3 of stat
 * is index 0 here).
 */
async function sumOverTree(rootPid: number, pick: (fields: string[]) => number): Promise<number> {
  const { readdir, readFile } = await import("node:fs/promises");
  const children = new Map<number, number[]>();
  const values = new Map<number, number>();
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = await readFile(`/proc/${entry}/stat`, "utf8");
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const ppid = Number(fields[1]);
      values.set(Number(entry), pick(fields));
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(entry));
    } catch {
      // gone
    }
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    total += values.get(p) ?? 0;
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** CPU time (user + system, ms) used so far by `pid` and its descendants, from /proc. */
export async function cpuMs(pid: number): Promise<number> {
  // utime, stime: fields 14 and 15 of stat (11 and 12 after the command), in ticks of 10 ms.
  const ticks = await sumOverTree(pid, (fields) => Number(fields[11]) + Number(fields[12]));
  return (ticks * 1000) / 100;
}

/** Resident memory (bytes) of `pid` and its descendants, from /proc. */
export async function treeRss(pid: number): Promise<number> {
  // rss: field 24 of stat (21 after the command), in 4 KiB pages.
  return sumOverTree(pid, (fields) => Number(fields[21]) * 4096);
}

/** Pids of processes whose command name is `name` (read-only look at /proc, e.g. the system's redis-server). */
export async function pidsNamed(name: string): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const out: number[] = [];
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "");
    if (comm.trim() === name) out.push(Number(entry));
  }
  return out;
}
