/**
 * The built portal hosted on another origin than the service: a copy of the
 * demo content names the static host in `url` and the service in
 * `serviceUrl`, `portico build` builds it, a plain node:http file server
 * serves `dist/` on one port and the service runs on another. In Chromium,
 * a person signs in on the static origin and their account page, which
 * calls the service with credentials, shows who they are. Over HTTP the two
 * origins share a site (127.0.0.1, two ports), as session-cookie.ts
 * explains; the HTTPS cookie (SameSite=None; Secure) is checked on the
 * wire.
 */
import { createReadStream } from "node:fs";
import { cp, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../gateway/src/config.ts";
import { buildPortal } from "../../gateway/src/server/portal-build.ts";
import { createAccount } from "../integration/accounts.helpers.ts";
import { DEMO_CONTENT, ROOT, startPortico, type TestService } from "../integration/harness.ts";
import { launchBrowser, screenshot } from "./browser.ts";

const THEMES = path.join(ROOT, "themes");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".wasm": "application/wasm",
};

/** A static host as dumb as a CDN: files, `<path>/index.html`, and 404.html. */
function staticHost(dir: string): Server {
  return createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const candidates = [urlPath, path.posix.join(urlPath, "index.html"), urlPath + ".html"];
    for (const candidate of candidates) {
      const file = path.join(dir, path.normalize(candidate));
      if (!file.startsWith(dir + path.sep)) break;
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile()) continue;
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(404, { "content-type": TYPES[".html"] });
    createReadStream(path.join(dir, "404.html")).pipe(res);
  });
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A copy of the demo content with `portal.yaml` keys set (added at the end). */
async function contentWith(dir: string, settings: Record<string, string>): Promise<string> {
  await cp(DEMO_CONTENT, dir, { recursive: true });
  const file = path.join(dir, "portal.yaml");
  const extra = Object.entries(settings).map(([k, v]) => `${k}: ${v}`).join("\n");
  await writeFile(file, (await readFile(file, "utf8")).trimEnd() + "\n" + extra + "\n");
  return dir;
}

let tmp: string;
let browser: Browser;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "portico-static-"));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("a portal on a static host, the service on another origin", () => {
  let svc: TestService;
  let host: Server;
  let portalOrigin: string;
  let serviceOrigin: string;

  beforeAll(async () => {
    const [portalPort, servicePort] = [await freePort(), await freePort()];
    portalOrigin = `http://127.0.0.1:${portalPort}`;
    serviceOrigin = `http://127.0.0.1:${servicePort}`;
    const content = await contentWith(path.join(tmp, "content"), { url: portalOrigin, serviceUrl: serviceOrigin });
    const dist = path.join(tmp, "dist");
    const lines: string[] = [];
    const config = readConfig({ ...process.env, PORTICO_CONTENT: content, PORTICO_THEMES: THEMES, PORTICO_DIST: dist }, ROOT);
    const built = await buildPortal(config, { force: true, log: (l) => lines.push(l) });
    if (!built.ok) throw new Error(`build failed:\n${lines.join("\n")}`);
    host = staticHost(dist);
    await listen(host, portalPort);
    svc = await startPortico({ env: { PORTICO_CONTENT: content, PORTICO_THEMES: THEMES, PORTICO_DIST: dist, PORTICO_PORT: String(servicePort) } });
  }, 300_000);

  afterAll(async () => {
    await svc?.stop();
    await new Promise((resolve) => (host ? host.close(resolve) : resolve(undefined)));
  });

  it("builds pages that name the service, so the portal's scripts call it", async () => {
    const home = await (await request(`${portalOrigin}/`)).body.text();
    expect(home).toContain(`data-portico-service="${serviceOrigin}"`);
  });

  it("answers the portal's preflight and calls with CORS for exactly that origin, with credentials", async () => {
    const preflight = await request(`${serviceOrigin}/api/v1/auth/sign-in`, {
      method: "OPTIONS",
      headers: { origin: portalOrigin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    await preflight.body.dump();
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(portalOrigin);
    expect(preflight.headers["access-control-allow-credentials"]).toBe("true");
    expect(String(preflight.headers["access-control-allow-headers"])).toMatch(/content-type/i);

    const me = await request(`${serviceOrigin}/api/v1/me`, { headers: { origin: portalOrigin } });
    await me.body.dump();
    expect(me.statusCode).toBe(401);
    expect(me.headers["access-control-allow-origin"]).toBe(portalOrigin);

    // Another origin gets neither.
    const other = "http://127.0.0.1:9";
    const refused = await request(`${serviceOrigin}/api/v1/auth/sign-in`, {
      method: "OPTIONS",
      headers: { origin: other, "access-control-request-method": "POST" },
    });
    await refused.body.dump();
    expect(refused.statusCode).toBe(403);
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("lets a person sign in from the static host and see their account", async () => {
    const account = await createAccount(svc.context, { name: "Static Sam" });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`${m.text()} (${m.location().url})`);
    });
    const serviceCalls: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(serviceOrigin)) serviceCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    try {
      await page.goto(`${portalOrigin}/signin`);
      // The form is a React island: typing before it hydrates would be lost.
      await page.waitForFunction(() => document.querySelector("astro-island[ssr]") === null);
      await page.locator('input[name="email"]').fill(account.email);
      await page.locator('input[name="password"]').fill(account.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL(`${portalOrigin}/account`);
      // The account page read this person's subscriptions, and offers Premium, which only signed-in developers see.
      await page.getByText("You have no subscriptions yet", { exact: false }).waitFor({ timeout: 15_000 });
      await page.getByRole("heading", { name: "Premium" }).waitFor();
      // And a call from the static origin to the service carries the session.
      const me = await page.evaluate(async (base) => {
        const res = await fetch(`${base}/api/v1/me`, { credentials: "include" });
        return { status: res.status, body: (await res.json()) as { email?: string; user?: { email?: string } } };
      }, serviceOrigin);
      expect(me.status).toBe(200);
      expect(JSON.stringify(me.body)).toContain(account.email);
      await screenshot(page, "static-host-account");
      expect(new URL(page.url()).origin).toBe(portalOrigin);
      expect(serviceCalls).toContain("POST /api/v1/auth/sign-in");
      expect(serviceCalls).toContain("GET /api/v1/subscriptions");
      // The session cookie belongs to the service's origin, not the static host's.
      const cookies = await context.cookies([serviceOrigin, portalOrigin]);
      expect(cookies.find((c) => c.name === "portico_session")).toMatchObject({ domain: "127.0.0.1", httpOnly: true, sameSite: "Lax" });
      expect(errors).toEqual([]);
    } catch (err) {
      await screenshot(page, "static-host-failed");
      throw new Error(`${(err as Error).message}\n  calls to the service: ${serviceCalls.join(", ")}\n  console: ${errors.join("; ")}`, { cause: err });
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe("the session cookie when the portal and the service are on HTTPS origins", () => {
  it("is SameSite=None; Secure with the __Host- prefix, so cross-site portal calls carry it", async () => {
    const content = await contentWith(path.join(tmp, "content-https"), {
      url: "https://developers.dronefly.example",
      serviceUrl: "https://portal-api.dronefly.example",
    });
    const svc = await startPortico({ env: { PORTICO_CONTENT: content, PORTICO_THEMES: THEMES, PORTICO_DIST: path.join(tmp, "no-dist") } });
    try {
      const account = await createAccount(svc.context);
      const res = await request(`${svc.controlUrl}/api/v1/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://developers.dronefly.example" },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      await res.body.dump();
      expect(res.statusCode).toBe(204);
      expect(res.headers["access-control-allow-origin"]).toBe("https://developers.dronefly.example");
      const cookie = String(res.headers["set-cookie"]);
      expect(cookie).toMatch(/^__Host-portico_session=[^;]+;/);
      expect(cookie).toMatch(/; Secure(;|$)/);
      expect(cookie).toMatch(/; SameSite=None(;|$)/);
      expect(cookie).toMatch(/; HttpOnly(;|$)/);
      expect(cookie).not.toMatch(/Domain=/i);
    } finally {
      await svc.stop();
    }
  });
});
