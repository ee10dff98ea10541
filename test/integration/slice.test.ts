/**
 * The vertical slice, as `npm start` runs it: the CLI builds the portal when
 * it is stale, then serves portal, gateway and demo backend; SIGTERM drains
 * in-flight calls and exits 0 within 10 s.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnPortico, type SpawnedPortico } from "./harness.ts";
import { call } from "./helpers.ts";

let dir: string;
let running: SpawnedPortico;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-slice-"));
  running = await spawnPortico(["serve", "--build-if-changed"], { PORTICO_DATA: path.join(dir, "data"), PORTICO_DIST: path.join(dir, "dist") }, 120_000);
}, 150_000);

afterAll(async () => {
  if (running?.child.exitCode === null) await running.stop("SIGKILL");
  await rm(dir, { recursive: true, force: true });
});

describe("the slice through every layer", () => {
  it("serves a home page built by Astro that lists what a guest may see and never names the Drone Fleet API", async () => {
    const home = await call(running.urls.portal!);
    expect(home.status).toBe(200);
    expect(home.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(home.text).toContain("DroneFly");
    expect(home.text).toContain("DroneFly Status API");
    expect(home.text).toContain("DroneFly Weather API");
    expect(home.text).not.toMatch(/Drone Fleet|fleet/i);
  });

  it("passes GET /status/health through the open Starter product to the demo backend", async () => {
    const res = await call(`${running.urls.gateway}/status/health`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok" });
  });

  it("answers the Weather forecast without a key with 401 and the JSON error", async () => {
    const res = await call(`${running.urls.gateway}/weather/v1/forecast?city=Oslo`);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, code: "MISSING_SUBSCRIPTION_KEY", message: expect.stringMatching(/^Access denied due to missing subscription key/) });
  });

  it("answers /healthz and /readyz on the control listener", async () => {
    expect((await call(`${running.urls.portal}/healthz`)).status).toBe(200);
    const ready = await call(`${running.urls.portal}/readyz`);
    expect(ready.json()).toEqual({ status: "ready", checks: { content: true, database: true } });
  });

  it("finishes an in-flight call on SIGTERM and exits 0 within 10 s", async () => {
    // A POST whose body arrives slowly is in flight when the signal comes.
    const url = new URL(`${running.urls.gateway}/status/echo`);
    let push!: (chunk: string | null) => void;
    const { Readable } = await import("node:stream");
    const body = new Readable({ read() {} });
    push = (chunk) => body.push(chunk);
    const inFlight = request(url, { method: "POST", body, headers: { "content-type": "text/plain", "content-length": "10" } });
    push("hello");
    await new Promise((r) => setTimeout(r, 200));
    const stopped = running.stop("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    push("world");
    push(null);
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(((await res.body.json()) as { body: { text: string } }).body.text).toBe("helloworld");
    const { code, ms } = await stopped;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(running.output()).toContain('"msg":"stopped"');
  });
});
