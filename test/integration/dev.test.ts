/**
 * `portico dev` as a publisher runs it (the real CLI, in a child process, on
 * free ports, with temporary copies of the demo content and the themes):
 * pages carry the live-reload client, a change to a content file or a theme
 * file rebuilds the portal and sends a reload event after which the new
 * text is served, a broken file sends a failure and leaves the last good
 * portal served, and `portico serve` has none of it.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../e2e/browser.ts";
import { ROOT, spawnPortico, startPortico, type SpawnedPortico } from "./harness.ts";

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads a server-sent event stream into a list that tests wait on. */
class EventStream {
  readonly events: SseEvent[] = [];
  readonly #abort = new AbortController();
  #waiters: Array<() => void> = [];
  status = 0;
  type = "";

  async open(url: string): Promise<void> {
    const res = await fetch(url, { signal: this.#abort.signal, headers: { accept: "text/event-stream" } });
    this.status = res.status;
    this.type = res.headers.get("content-type") ?? "";
    if (!res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event !== undefined && data !== undefined) this.events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
            for (const w of this.#waiters.splice(0)) w();
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  /** The first event from index `from` on that `match` accepts. */
  async next(from: number, match: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event in ${timeoutMs} ms; got: ${JSON.stringify(this.events.slice(from))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }
}

let tmp: string;
let content: string;
let themes: string;
let dist: string;
let dev: SpawnedPortico;
let portal: string;
let browser: Browser;
const stream = new EventStream();

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "portico-dev-"));
  content = path.join(tmp, "content");
  themes = path.join(tmp, "themes");
  dist = path.join(tmp, "dist");
  await cp(path.join(ROOT, "content"), content, { recursive: true });
  await cp(path.join(ROOT, "themes"), themes, { recursive: true });
  dev = await spawnPortico(["dev"], { PORTICO_CONTENT: content, PORTICO_THEMES: themes, PORTICO_DIST: dist, PORTICO_DATA: path.join(tmp, "data") }, 240_000);
  portal = dev.urls.portal!.replace("localhost", "127.0.0.1");
  await stream.open(`${portal}/_portico/dev/events`);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  stream.close();
  await browser?.close();
  if (dev) {
    const { code } = await dev.stop();
    expect(code).toBe(0);
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function page(urlPath: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(portal + urlPath);
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe("portico dev", () => {
  it("adds the live-reload client to every page and serves its event stream", async () => {
    for (const urlPath of ["/", "/docs/getting-started", "/no-such-page"]) {
      const res = await page(urlPath);
      expect(res.text, urlPath).toMatch(/<script src="\/_portico\/dev\/client\.js" defer><\/script><\/head>/);
      expect(res.headers.get("cache-control"), urlPath).toBe("no-store");
    }
    const client = await fetch(`${portal}/_portico/dev/client.js`);
    expect(client.status).toBe(200);
    expect(client.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await client.text()).toContain('new EventSource("/_portico/dev/events")');
    expect(stream.status).toBe(200);
    expect(stream.type).toMatch(/^text\/event-stream/);
    expect((await stream.next(0, (e) => e.event === "hello", 5_000)).data).toEqual({ build: 0 });
  });

  it("rebuilds when a content file changes, then reloads the open pages", async () => {
    expect((await page("/")).text).not.toContain("Deliveries, reloaded live");
    // A page open in Chromium, connected to the event stream.
    const tab = await browser.newPage();
    const logged: string[] = [];
    tab.on("console", (m) => logged.push(`${m.type()}: ${m.text()}`));
    await tab.goto(`${portal}/`);
    await tab.locator("html[data-portico-dev=connected]").waitFor({ timeout: 10_000 });
    const from = stream.events.length;
    const file = path.join(content, "portal.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(/^tagline: .*$/m, "tagline: Deliveries, reloaded live"));

    const reload = await stream.next(from, (e) => e.event === "reload" || e.event === "failed", 180_000);
    expect(reload.event).toBe("reload");
    expect(reload.data).toMatchObject({ build: 1, file: expect.stringMatching(/portal\.yaml$/) });
    // Progress was relayed while it built: each phase of portico build.
    const progress = stream.events.slice(from).filter((e) => e.event === "building").map((e) => String(e.data.message));
    expect(progress[0]).toMatch(/portal\.yaml changed: rebuilding the portal/);
    expect(progress.some((m) => /^\[2\/3\] building the public portal with Astro done in \d+\.\d s$/.test(m))).toBe(true);
    // …and the total, with the time of each phase.
    expect(progress.some((m) => /^portal built in \d+\.\d s \(validate \d+\.\d s, public \d+\.\d s, restricted \d+\.\d s\)/.test(m))).toBe(true);
    expect((await page("/")).text).toContain("Deliveries, reloaded live");
    // The open page reloaded by itself, and shows the new tagline.
    await tab.waitForFunction(() => document.body.textContent?.includes("Deliveries, reloaded live"), undefined, { timeout: 15_000 });
    expect(await tab.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).type)).toBe("reload");
    expect(logged).toContain("info: [portico dev] [2/3] building the public portal with Astro…");
    await tab.close();
  }, 200_000);

  it("rebuilds when a theme file changes", async () => {
    const from = stream.events.length;
    const file = path.join(themes, "default", "theme.css");
    await writeFile(file, (await readFile(file, "utf8")) + "\n.dev-reload-marker { outline-color: #123456; }\n");

    const reload = await stream.next(from, (e) => e.event === "reload" || e.event === "failed", 180_000);
    expect(reload.event).toBe("reload");
    expect(reload.data).toMatchObject({ build: 2, file: expect.stringMatching(/theme\.css$/) });
    const html = (await page("/")).text;
    const sheets = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
    const css = [html, ...(await Promise.all(sheets.map(async (href) => (await page(href)).text)))].join("\n");
    expect(css).toMatch(/\.dev-reload-marker\s*\{\s*outline-color:\s*#123456/);
  }, 200_000);

  it("keeps serving the last good portal when a change breaks the content, and says why", async () => {
    const from = stream.events.length;
    const file = path.join(content, "portal.yaml");
    const good = await readFile(file, "utf8");
    await writeFile(file, good.replace(/^theme: .*$/m, "theme: no-such-theme"));
    const failed = await stream.next(from, (e) => e.event === "failed" || e.event === "reload", 120_000);
    expect(failed.event).toBe("failed");
    expect(String(failed.data.message)).toMatch(/portal\.yaml:\d+:\d+: theme 'no-such-theme' not found/);
    expect((await page("/")).text).toContain("Deliveries, reloaded live");

    // Fixed again: the next build is served.
    const after = stream.events.length;
    await writeFile(file, good.replace(/^tagline: .*$/m, "tagline: Fixed and reloaded"));
    const reload = await stream.next(after, (e) => e.event === "reload" || e.event === "failed", 180_000);
    expect(reload.event).toBe("reload");
    expect((await page("/")).text).toContain("Fixed and reloaded");
  }, 320_000);
});

describe("portico serve", () => {
  it("has no live reload", async () => {
    const svc = await startPortico({ env: { PORTICO_CONTENT: content, PORTICO_THEMES: themes, PORTICO_DIST: dist } });
    try {
      const events = await fetch(`${svc.controlUrl}/_portico/dev/events`);
      expect(events.status).toBe(404);
      await events.body?.cancel();
      const home = await (await fetch(`${svc.controlUrl}/`)).text();
      expect(home).toContain("<h1");
      expect(home).not.toContain("/_portico/dev/");
    } finally {
      await svc.stop();
    }
  });
});
