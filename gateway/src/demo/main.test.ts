import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import type { DemoBackend } from "./backend.ts";
import { portFromEnv, runDemo } from "./main.ts";

/** Starts runDemo and waits until it listens. */
async function start(options: Parameters<typeof runDemo>[0] = {}) {
  const lines: string[] = [];
  let listening!: (backend: DemoBackend) => void;
  const ready = new Promise<DemoBackend>((resolve) => (listening = resolve));
  const result = runDemo({ host: "127.0.0.1", log: (line) => lines.push(line), onListening: listening, ...options });
  const backend = await Promise.race([ready, result.then(() => Promise.reject(new Error("runDemo ended before listening")))]);
  return { lines, result, backend };
}

const health = (port: number) =>
  fetch(`http://127.0.0.1:${port}/status/health`).then(
    (res) => res.status,
    () => "refused",
  );

describe("runDemo", () => {
  it("logs one line with its URL, serves until SIGTERM, then resolves with 0", async () => {
    const before = process.listenerCount("SIGTERM");
    const run = await start({ env: { PORTICO_DEMO_PORT: "0" } });
    const { port, url } = run.backend;
    expect(port).toBeGreaterThan(0);
    expect(run.lines).toEqual([`DroneFly demo backend listening on http://localhost:${port}`]);
    expect(url).toBe(`http://localhost:${port}`);
    expect(await health(port)).toBe(200);
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);

    process.emit("SIGTERM");
    expect(await run.result).toBe(0);
    expect(process.listenerCount("SIGTERM")).toBe(before);
    expect(await health(port)).toBe("refused");
  });

  it("stops through its handle like a signal, dropping its signal handlers", async () => {
    const before = process.listenerCount("SIGINT");
    const run = await start({ port: 0 });
    expect(process.listenerCount("SIGINT")).toBe(before + 1);
    await run.backend.close();
    expect(await run.result).toBe(0);
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("explains a port that is in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(runDemo({ port, host: "127.0.0.1", log: () => {} })).rejects.toThrow(
        `the demo backend cannot listen on port ${port}: it is in use. Set PORTICO_DEMO_PORT or --port.`,
      );
    } finally {
      blocker.close();
    }
  });
});

describe("portFromEnv", () => {
  it("reads a port, and nothing from an empty value", () => {
    expect(portFromEnv("8091")).toBe(8091);
    expect(portFromEnv(" 0 ")).toBe(0);
    expect(portFromEnv(undefined)).toBeUndefined();
    expect(portFromEnv("")).toBeUndefined();
  });

  it("rejects what is not a port, naming the variable", () => {
    expect(() => portFromEnv("80a")).toThrow(ConfigError);
    expect(() => portFromEnv("70000")).toThrow('PORTICO_DEMO_PORT must be a port number from 0 to 65535; got "70000".');
  });
});
