import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen } from "../../gateway/src/server/http.ts";
import { SERVICE_NODE_FLAGS } from "../../gateway/src/server/node-flags.ts";
import { ROOT } from "./harness.ts";

const MB = 1024 * 1024;
const SIZE = 100 * MB;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

let backend: Server;
let child: ChildProcess;
let gatewayPort: number;
let uploaded = 0;

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** Samples a process's RSS until `work` settles; returns the peak. */
async function peakRss<T>(pid: number, work: Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    const result = await work;
    return { result, peak: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(timer);
  }
}

beforeAll(async () => {
  backend = createServer((req, res) => {
    if (req.url === "/download") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": SIZE });
      let sent = 0;
      const push = () => {
        while (sent < SIZE) {
          sent += CHUNK.length;
          if (!res.write(CHUNK)) return void res.once("drain", push);
        }
        res.end();
      };
      push();
    } else if (req.url === "/upload") {
      uploaded = 0;
      req.on("data", (d: Buffer) => (uploaded += d.length));
      req.on("end", () => res.end(JSON.stringify({ received: uploaded })));
    } else {
      res.writeHead(404).end();
    }
  });
  const backendPort = await listen(backend, 0, "127.0.0.1");
  child = spawn(process.execPath, [...SERVICE_NODE_FLAGS, path.join(ROOT, "test/fixtures/gateway-process.ts"), `http://127.0.0.1:${backendPort}`], { stdio: ["ignore", "pipe", "inherit"] });
  gatewayPort = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(JSON.parse(d.toString()).port));
    child.once("exit", (code) => reject(new Error(`gateway process exited with ${code}`)));
  });
  // Warm up the connection pool and JIT so the baseline is steady.
  for (let i = 0; i < 20; i++) await (await request(`http://127.0.0.1:${gatewayPort}/big/upload`, { method: "POST", body: "x" })).body.text();
}, 30_000);

afterAll(async () => {
  child?.kill("SIGTERM");
  backend?.closeAllConnections();
  backend?.close();
});

describe("gateway: streaming bodies", () => {
  it("streams a 100 MB download while its memory grows by less than 50 MB", async () => {
    const before = rssOf(child.pid!);
    const { result: received, peak } = await peakRss(
      child.pid!,
      (async () => {
        const res = await request(`http://127.0.0.1:${gatewayPort}/big/download`);
        let n = 0;
        for await (const chunk of res.body) n += (chunk as Buffer).length;
        return { status: res.statusCode, n };
      })(),
    );
    expect(received).toEqual({ status: 200, n: SIZE });
    expect(peak - before).toBeLessThan(50 * MB);
  }, 60_000);

  it("streams a 100 MB upload while its memory grows by less than 50 MB", async () => {
    const before = rssOf(child.pid!);
    const body = Readable.from(
      (function* () {
        for (let sent = 0; sent < SIZE; sent += CHUNK.length) yield CHUNK;
      })(),
    );
    const { result, peak } = await peakRss(
      child.pid!,
      (async () => {
        const res = await request(`http://127.0.0.1:${gatewayPort}/big/upload`, { method: "POST", body, headers: { "content-type": "application/octet-stream" } });
        return { status: res.statusCode, body: await res.body.json() };
      })(),
    );
    expect(result).toEqual({ status: 200, body: { received: SIZE } });
    expect(uploaded).toBe(SIZE);
    expect(peak - before).toBeLessThan(50 * MB);
  }, 60_000);
});
