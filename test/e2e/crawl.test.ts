/**
 * Hidden means hidden (DESIGN §5), proven from the outside: the running
 * portal is crawled as a guest, in Chromium and over plain HTTP, from the
 * home page through every same-origin link, plus sitemap.xml, robots.txt,
 * llms.txt, the search index, every script, stylesheet and download, and the
 * management API a page may call. Nothing may name the Partner product, the
 * Fleet API or the partners' guide, and their addresses must answer exactly
 * like an address that never existed. Then a member of `partners` signs in
 * and finds every one of those pages, with the navigation to reach them.
 */
import { gunzipSync } from "node:zlib";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createAccount } from "../integration/accounts.helpers.ts";
import type { TestService } from "../integration/harness.ts";
import { launchBrowser, screenshot, startPortal } from "./browser.ts";

/** Words that would betray the hidden product, API or guide. Whole words, so "partnerships" in a bundled word list does not count. */
const NEEDLE = /\b(fleet|partners?)\b/i;
/** In Pagefind's binary index, words are stored without separators: any occurrence counts. */
const INDEX_NEEDLE = /fleet|partner/i;
const HIDDEN_PATHS = [
  "/products/partner",
  "/products/partner/",
  "/products/partner.md",
  "/apis/fleet",
  "/apis/fleet/",
  "/apis/fleet.md",
  "/apis/fleet/reference",
  "/apis/fleet/openapi.json",
  "/apis/fleet/openapi.yaml",
  "/apis/fleet/operations.json",
  "/apis/fleet/operations/listDrones",
  "/apis/fleet/schemas/Drone",
  "/docs/partners",
  "/docs/partners/fleet-missions",
  "/docs/partners/fleet-missions.md",
];
/** A bound on the crawl, well above the demo's ~500 reachable addresses (pages, markdown copies, policy pages, bundles, index chunks). */
const MAX_URLS = 1500;
/** The portal's own public origin as built (portal.yaml names none): links to it are links to this service. */
const BUILT_ORIGIN = "http://localhost:4000";

let svc: TestService;
let browser: Browser;
beforeAll(async () => {
  svc = await startPortal();
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

interface Fetched {
  url: string;
  status: number;
  type: string;
  text: string;
  headers: Record<string, string>;
}

async function fetchRaw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string>; bytes: Buffer }> {
  const res = await request(url, { headers });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(", ") : v;
  return { status: res.statusCode, headers: flat, bytes };
}

/** A file's text for the needle: Pagefind's gzipped files are opened. */
function textOf(path: string, bytes: Buffer): string {
  if (/\.(pf_meta|pf_index|pf_fragment|pagefind)$/.test(path)) {
    try {
      return gunzipSync(bytes).toString("latin1");
    } catch {
      return bytes.toString("latin1");
    }
  }
  return bytes.toString("utf8");
}

/** Links, scripts, stylesheets, images and downloads named in a text file (HTML, CSS, XML, markdown, JS imports). */
function referencesIn(text: string, type: string): string[] {
  const out: string[] = [];
  const add = (u: string | undefined) => u && out.push(u.replace(/&amp;/g, "&"));
  if (type.includes("html")) {
    for (const m of text.matchAll(/\s(?:href|src|action|component-url|renderer-url|before-hydration-url)="([^"]+)"/g)) add(m[1]);
    // <meta content> holds prose too: only addresses (og:url, og:image, refresh targets) are references.
    for (const m of text.matchAll(/\scontent="((?:\/|https?:\/\/)[^"]+)"/g)) add(m[1]);
    for (const m of text.matchAll(/"url":"([^"]+)"/g)) add(m[1]);
    for (const m of text.matchAll(/\b(?:scriptUrl|url)&quot;:\[0,&quot;([^&]+)&quot;/g)) add(m[1]);
  }
  if (type.includes("xml") || type.includes("text/plain") || type.includes("markdown")) {
    for (const m of text.matchAll(/https?:\/\/[^\s<>"')]+/g)) add(m[0]);
    for (const m of text.matchAll(/\]\((\/[^)\s]+)\)/g)) add(m[1]);
  }
  if (type.includes("css")) for (const m of text.matchAll(/url\(["']?([^"')]+)["']?\)/g)) add(m[1]);
  if (type.includes("javascript")) for (const m of text.matchAll(/(?:from|import\()\s*["'](\.{0,2}\/[^"']+)["']/g)) add(m[1]);
  return out;
}

describe("the guest crawl", () => {
  const fetched = new Map<string, Fetched>();
  const pages: string[] = [];

  /** A same-origin URL for `ref` found in `from`, or undefined for another site. */
  function resolve(ref: string, from: string): string | undefined {
    if (ref.startsWith("#") || ref.startsWith("mailto:") || ref.startsWith("data:") || ref.startsWith("javascript:") || ref.includes("${")) return undefined;
    let url: URL;
    try {
      url = new URL(ref, from);
    } catch {
      return undefined;
    }
    if (url.origin === BUILT_ORIGIN) url = new URL(url.pathname + url.search, svc.controlUrl);
    if (url.origin !== new URL(svc.controlUrl).origin) return undefined;
    url.hash = "";
    return url.toString();
  }

  it("finds no trace of the hidden product, API or guide in anything a guest can reach", async () => {
    const queue: string[] = ["/", "/sitemap.xml", "/robots.txt", "/llms.txt", "/pagefind/pagefind-entry.json", "/pagefind/pagefind.js", "/404"].map(
      (p) => svc.controlUrl + p,
    );
    const seen = new Set(queue);
    const leaks: string[] = [];
    const languages: string[] = [];
    while (queue.length > 0 && fetched.size < MAX_URLS) {
      const url = queue.shift()!;
      const { status, headers, bytes } = await fetchRaw(url);
      const type = headers["content-type"] ?? "";
      const path = new URL(url).pathname;
      const text = textOf(path, bytes);
      fetched.set(url, { url, status, type, text, headers });
      if (status >= 500) leaks.push(`${path}: status ${status}`);
      const needle = path.startsWith("/pagefind/") && !/\.(js|css|json)$/.test(path) ? INDEX_NEEDLE : NEEDLE;
      const hit = needle.exec(text);
      if (hit) leaks.push(`${path}: "${text.slice(Math.max(0, hit.index - 40), hit.index + 40).replace(/\s+/g, " ")}"`);
      if (status === 200 && type.includes("html")) pages.push(url);
      let refs = referencesIn(text, type);
      // Pagefind: the entry names each language's metadata, which names the index chunks and page fragments.
      if (path === "/pagefind/pagefind-entry.json") {
        const entry = JSON.parse(text) as { languages: Record<string, { hash: string; wasm?: string }> };
        languages.push(...Object.keys(entry.languages));
        for (const lang of Object.values(entry.languages)) {
          refs.push(`/pagefind/pagefind.${lang.hash}.pf_meta`);
          if (lang.wasm) refs.push(`/pagefind/wasm.${lang.wasm}.pagefind`);
        }
        refs.push("/pagefind/wasm.unknown.pagefind", "/pagefind/pagefind-worker.js");
      }
      if (path.endsWith(".pf_meta") || path.endsWith(".pf_index")) {
        // Chunk and page hashes are `<language>_<hex>` strings in the (CBOR) metadata and index.
        for (const lang of languages) {
          for (const m of text.matchAll(new RegExp(`${lang}_[0-9a-f]{7,}`, "g"))) {
            refs.push(`/pagefind/fragment/${m[0]}.pf_fragment`, `/pagefind/index/${m[0]}.pf_index`);
          }
        }
      }
      if (path.endsWith(".js") || path.endsWith(".json")) refs = refs.filter((r) => !r.endsWith(".map"));
      for (const ref of refs) {
        const next = resolve(ref, url);
        if (next === undefined || seen.has(next)) continue;
        // Guessed Pagefind names that do not exist are not links: fetch them, but only keep what answers.
        seen.add(next);
        queue.push(next);
      }
    }
    expect(leaks).toEqual([]);
    expect(fetched.size).toBeLessThan(MAX_URLS);
    // About 500 URLs and 70 pages for the demo: the scripts, styles, downloads and search index included.
    expect(fetched.size).toBeGreaterThan(150);
    // The crawl reached the parts that matter.
    const reached = [...fetched.values()].filter((f) => f.status === 200).map((f) => new URL(f.url).pathname);
    for (const p of ["/", "/apis", "/apis/weather", "/apis/weather/reference", "/apis/weather/openapi.json", "/apis/weather/openapi.yaml", "/products/basic", "/docs/getting-started", "/docs/getting-started.md", "/llms.txt", "/sitemap.xml"]) {
      expect(reached, p).toContain(p);
    }
    expect(reached.some((p) => /^\/pagefind\/fragment\//.test(p))).toBe(true);
    expect(reached.some((p) => /^\/pagefind\/index\//.test(p))).toBe(true);
    expect(reached.some((p) => /^\/_astro\/.+\.js$/.test(p))).toBe(true);
    expect(reached.some((p) => /^\/_astro\/.+\.css$/.test(p))).toBe(true);
    expect(reached.some((p) => /^\/_portico\/scalar\/.+standalone\.esm\.js$/.test(p))).toBe(true);
  }, 120_000);

  it("finds nothing either in what Chromium loads and renders, search included", async () => {
    expect(pages.length).toBeGreaterThan(10);
    const context = await browser.newContext();
    const loaded = new Map<string, string>();
    const leaks: string[] = [];
    context.on("response", async (res) => {
      const url = res.url();
      if (!url.startsWith(svc.controlUrl) || loaded.has(url)) return;
      loaded.set(url, "");
      try {
        const body = await res.body();
        const path = new URL(url).pathname;
        const text = textOf(path, body);
        const needle = path.startsWith("/pagefind/") && !/\.(js|css|json)$/.test(path) ? INDEX_NEEDLE : NEEDLE;
        if (needle.test(text)) leaks.push(`loaded ${path}`);
      } catch {
        // Redirects and aborted requests have no body.
      }
    });
    const page = await context.newPage();
    for (const url of pages) {
      await page.goto(url, { waitUntil: "networkidle" });
      if (new URL(url).pathname.endsWith("/reference")) await page.waitForSelector(".scalar-app, .references-layout, [class*=scalar]", { timeout: 15_000 }).catch(() => {});
      const html = await page.content();
      const hit = NEEDLE.exec(html);
      if (hit) leaks.push(`rendered ${new URL(url).pathname}: "${html.slice(Math.max(0, hit.index - 40), hit.index + 40)}"`);
    }
    // The site search, as a visitor uses it.
    for (const q of ["fleet", "partner", "drones", "missions", "weather"]) {
      await page.goto(svc.controlUrl + "/docs");
      await page.keyboard.press("/");
      await page.locator("[data-search-input]").fill(q);
      await page.waitForFunction(() => (document.querySelector("[data-search-status]")?.textContent ?? "") !== "", undefined, { timeout: 10_000 });
      const results = await page.locator("[data-search-results]").innerHTML();
      if (NEEDLE.test(results)) leaks.push(`search for "${q}": ${results.slice(0, 200)}`);
      if (q === "weather") expect(results).toContain("/apis/weather");
    }
    expect(leaks).toEqual([]);
    expect([...loaded.keys()].some((u) => u.includes("/pagefind/"))).toBe(true);
    await context.close();
  }, 300_000);

  it("answers every hidden address exactly like one that never existed", async () => {
    const volatile = new Set(["x-request-id", "date", "keep-alive", "connection"]);
    const stable = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !volatile.has(k)));
    const missing = await fetchRaw(`${svc.controlUrl}/products/no-such-product-${Date.now()}`);
    expect(missing.status).toBe(404);
    for (const path of HIDDEN_PATHS) {
      const res = await fetchRaw(svc.controlUrl + path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.bytes.equals(missing.bytes), `${path} has the body of the 404 page`).toBe(true);
      expect(stable(res.headers), path).toEqual(stable(missing.headers));
    }
    // The management API says the same of the product and the API.
    const apiMissing = await fetchRaw(`${svc.controlUrl}/api/v1/products/no-such-product`);
    for (const [path, ref] of [
      ["/api/v1/products/partner", apiMissing],
      ["/api/v1/apis/fleet", await fetchRaw(`${svc.controlUrl}/api/v1/apis/no-such-api`)],
    ] as const) {
      const res = await fetchRaw(svc.controlUrl + path);
      expect(res.status).toBe(404);
      const body = (b: Buffer) => JSON.parse(b.toString()) as { message?: string; code?: string };
      expect(body(res.bytes).code).toBe(body(ref.bytes).code);
      expect(body(res.bytes).message?.replace(/"[^"]*"/g, "")).toBe(body(ref.bytes).message?.replace(/"[^"]*"/g, ""));
      expect(NEEDLE.test(res.bytes.toString())).toBe(false);
    }
    for (const path of ["/api/v1/products", "/api/v1/apis", "/api/v1/portal", "/api/v1/openapi.json"]) {
      const res = await fetchRaw(svc.controlUrl + path);
      expect(res.status, path).toBe(200);
      expect(NEEDLE.exec(res.bytes.toString())?.[0], path).toBeUndefined();
    }
  });
});

describe("a member of partners", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    const account = await createAccount(svc.context, { name: "Pat Partner", groups: ["partners"] });
    context = await browser.newContext({ baseURL: svc.controlUrl });
    const signIn = await context.request.post("/api/v1/auth/sign-in", { data: { email: account.email, password: account.password } });
    expect(signIn.status()).toBe(204);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
  });

  it("finds the partner product, the Fleet API with its reference and downloads, and the guide, from the navigation", async () => {
    await page.goto("/products");
    await page.getByRole("link", { name: /Partner Fleet Access/ }).first().click();
    expect(new URL(page.url()).pathname).toBe("/products/partner");
    expect(await page.locator("h1").first().textContent()).toContain("Partner Fleet Access");
    await screenshot(page, "partner-product");

    await page.goto("/apis");
    await page.locator('a[href="/apis/fleet"]:visible').first().click();
    await page.waitForURL(/\/apis\/fleet$/);
    expect(await page.locator("h1").first().textContent()).toContain("Drone Fleet API");
    const json = await page.locator('a[href="/apis/fleet/openapi.json"]').first().getAttribute("href");
    const yaml = await page.locator('a[href="/apis/fleet/openapi.yaml"]').first().getAttribute("href");
    for (const href of [json, yaml]) {
      const res = await context.request.get(href!);
      expect(res.status()).toBe(200);
      expect(await res.text()).toMatch(/\/fleet/);
    }
    await screenshot(page, "partner-api");

    await page.goto("/apis/fleet/reference");
    await page.getByText("List drones", { exact: false }).first().waitFor({ timeout: 20_000 });
    await screenshot(page, "partner-reference");

    await page.goto("/docs");
    await page.locator('a[href="/docs/partners/fleet-missions"]:visible').first().click();
    await page.waitForURL(/\/docs\/partners\/fleet-missions$/);
    expect(await page.locator("h1").first().textContent()).toContain("Flying missions");
    expect(await page.locator('.docs-nav-list a[aria-current="page"]').textContent()).toContain("Flying missions");
    await screenshot(page, "partner-docs");
  }, 90_000);

  it("finds the partner pages in the site search", async () => {
    await page.goto("/docs/getting-started");
    await page.keyboard.press("/");
    await page.locator("[data-search-input]").fill("missions");
    await page.waitForFunction(() => (document.querySelector("[data-search-results]")?.innerHTML ?? "").includes("fleet"), undefined, { timeout: 10_000 });
  });

  it("loses them on signing out", async () => {
    expect((await context.request.post("/api/v1/auth/sign-out", { data: {} })).status()).toBe(204);
    const res = await page.goto("/products/partner");
    expect(res?.status()).toBe(404);
  });
});
