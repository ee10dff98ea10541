/**
 * Builds the demo portal the way the service does (runAstroBuild, with
 * PORTICO_CONTENT, PORTICO_THEMES and PORTICO_DIST) into a temporary folder,
 * once, and checks the output: guest pages are there, hidden ones leave no
 * trace in any file, docs pages stay light, and the feeds list only guest
 * pages.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canSeeApi, canSeeDoc, canSeeProduct, GUEST_GROUPS } from "../../gateway/src/accounts/visibility.ts";
import type { Catalog } from "../../gateway/src/model/catalog.ts";
import { loadCatalog } from "../../gateway/src/model/loader.ts";
import { readConfig } from "../../gateway/src/config.ts";
import { runAstroBuild } from "../../gateway/src/server/portal-build.ts";

const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const CONTENT = path.join(ROOT, "content");
const THEMES = path.join(ROOT, "themes");

let tmp: string;
let dist: string;
let files: string[];
let catalog: Catalog;

/** The public portal, built as the service builds it (each Astro build in a working folder of its own). */
async function build(outDir: string): Promise<{ code: number; output: string }> {
  const config = readConfig({ ...process.env, PORTICO_CONTENT: CONTENT, PORTICO_THEMES: THEMES, PORTICO_DIST: outDir }, ROOT);
  const lines: string[] = [];
  const code = await runAstroBuild(config, outDir, undefined, (line) => lines.push(line));
  return { code, output: lines.join("\n") };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

const read = (rel: string) => readFile(path.join(dist, rel), "utf8");

/** A built file's text; Pagefind's index and fragments are gzipped. */
async function textOf(file: string): Promise<string> {
  const bytes = await readFile(file);
  return (/\.pf_(fragment|index|meta)$/.test(file) ? gunzipSync(bytes) : bytes).toString("latin1");
}
const rel = (file: string) => "/" + path.relative(dist, file).split(path.sep).join("/");

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "portico-portal-"));
  dist = path.join(tmp, "dist");
  const [result, loaded] = await Promise.all([build(dist), loadCatalog(CONTENT, { themesDir: THEMES })]);
  if (result.code !== 0) throw new Error(`astro build exited with ${result.code}:\n${result.output}`);
  if (!loaded.catalog) throw new Error("the demo content does not load");
  catalog = loaded.catalog;
  files = await walk(dist);
}, 180_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("portal build: guest pages", () => {
  it("lists the guest-visible APIs on the home page", async () => {
    const home = await read("index.html");
    expect(home).toContain("DroneFly Status API");
    expect(home).toContain("DroneFly Weather API");
    expect(home).toContain('href="/apis/status"');
    expect(home).toContain('href="/apis/weather"');
    expect(home).toMatch(/<html lang="en"/);
    expect(home).toContain('<a class="skip-link" href="#main"');
  });

  it("builds a page, a reference and both definition downloads for every guest API version", () => {
    for (const p of [
      "/apis/index.html",
      "/apis/status/index.html",
      "/apis/status/reference/index.html",
      "/apis/status/openapi.json",
      "/apis/status/openapi.yaml",
      "/apis/weather/index.html",
      "/apis/weather/v1/index.html",
      "/apis/weather/v2/reference/index.html",
      "/apis/weather/v1/openapi.json",
      "/apis/weather/v2/openapi.yaml",
      "/apis/status.md",
      "/products/starter/index.html",
      "/products/basic/index.html",
      "/docs/getting-started/index.html",
      "/docs/getting-started.md",
      "/theme/logo.svg",
      "/theme/favicon.svg",
    ]) {
      expect(existsSync(path.join(dist, p)), p).toBe(true);
    }
  });

  it("sets the gateway as the only server of a downloaded definition", async () => {
    const doc = JSON.parse(await read("apis/weather/v1/openapi.json")) as { servers: Array<{ url: string }> };
    expect(doc.servers).toEqual([{ url: "http://localhost:8080/weather/v1" }]);
    const status = JSON.parse(await read("apis/status/openapi.json")) as { servers: Array<{ url: string }> };
    expect(status.servers).toEqual([{ url: "http://localhost:8080/status" }]);
    // No path or operation may name another server (it would bypass the gateway).
    for (const file of files.filter((f) => f.endsWith("openapi.json"))) {
      const paths = (JSON.parse(await readFile(file, "utf8")) as { paths: Record<string, Record<string, unknown>> }).paths;
      for (const item of Object.values(paths)) {
        expect(item.servers, rel(file)).toBeUndefined();
        for (const op of Object.values(item)) if (op && typeof op === "object") expect((op as { servers?: unknown }).servers, rel(file)).toBeUndefined();
      }
    }
  });

  it("turns links between content files into portal links", async () => {
    const relative: string[] = [];
    for (const file of files.filter((f) => f.endsWith(".html"))) {
      for (const m of (await readFile(file, "utf8")).matchAll(/href="(\.{1,2}\/[^"]*)"/g)) relative.push(`${rel(file)}: ${m[1]}`);
    }
    expect(relative).toEqual([]);
    const limits = await read("docs/limits/index.html");
    expect(limits).toContain('href="/products/starter"');
    expect(limits).toContain('href="/docs/errors"');
  });

  it("has a helpful 404 page", async () => {
    const page = await read("404.html");
    expect(page).toContain('role="search"');
    expect(page).toContain('href="/"');
    expect(page).toContain('href="/apis"');
    expect(page).toContain('href="/docs"');
    expect(page).toContain('<meta name="robots" content="noindex">');
  });
});

describe("portal build: a page per operation", () => {
  it("builds a page for every operation of every guest API version, linked from the API page", async () => {
    for (const api of Object.values(catalog.apis).filter((a) => canSeeApi(a, GUEST_GROUPS))) {
      const current = api.versions.find((v) => v.id === (api.versioning?.default ?? api.versions.at(-1)!.id)) ?? api.versions.at(-1)!;
      const overview = await read(`apis/${api.id}/index.html`);
      for (const op of current.operations) {
        expect(existsSync(path.join(dist, `apis/${api.id}/operations/${op.id}/index.html`)), `${api.id} ${op.id}`).toBe(true);
        expect(overview).toContain(`href="/apis/${api.id}/operations/${op.id}"`);
      }
      if (api.versions.length > 1) {
        for (const v of api.versions) for (const op of v.operations) expect(existsSync(path.join(dist, `apis/${api.id}/${v.id}/operations/${op.id}/index.html`)), `${v.id} ${op.id}`).toBe(true);
      }
    }
  });

  it("prints the operation: method, path, parameters with their constraints, body and responses", async () => {
    const page = await read("apis/weather/operations/getForecast/index.html");
    expect(page).toContain("<title>Get the daily forecast for a city · DroneFly Weather API v2");
    expect(page).toMatch(/<code class="op-path"[^>]*>\/forecast<\/code>/);
    expect(page).toContain('<code class="sr-name">city</code><span class="sr-type">string</span><span class="sr-req">required</span>');
    expect(page).toContain("<span>default: 5</span><span>min: 1</span><span>max: 10</span>");
    expect([...page.matchAll(/<span class="op-status">(\d+)<\/span>/g)].map((m) => m[1])).toEqual(["200", "400", "401", "403", "429"]);
    // The response schema links to the component's own page.
    expect(page).toContain('<a class="sr-ref" href="/apis/weather/schemas/Forecast">Forecast</a>');
    expect(page).toContain('href="/apis/weather/reference#');
    const echo = await read("apis/status/operations/echoPost/index.html");
    expect(echo).toMatch(/Request body/);
  });

  it("shares the operation list as one file per version instead of repeating it in every page", async () => {
    const nav = JSON.parse(await read("apis/weather/operations.json")) as { tags: Array<{ tag: string | null; operations: unknown[][] }> };
    expect(nav.tags.map((t) => t.tag)).toEqual(["Forecasts", "Alerts"]);
    expect(nav.tags[0]!.operations[0]).toEqual(["get", "/forecast", "Get the daily forecast for a city", "getForecast", 0]);
    const page = await read("apis/weather/operations/getForecast/index.html");
    expect(page).toContain('data-op-nav="/apis/weather/operations.json"');
    // Operations other than the previous and next are not in the page, only in the shared list.
    expect(page).not.toContain("List weather alerts");
    expect(gzipSync(page).length).toBeLessThan(30 * 1024);
  });

  it("builds a page per component schema, and the sitemap lists the operation pages", async () => {
    const schema = await read("apis/weather/schemas/Forecast/index.html");
    expect(schema).toContain('<h1 class="page-title"');
    expect(schema).toMatch(/<code class="sr-name">days<\/code><span class="sr-type">array of <a class="sr-ref" href="\/apis\/weather\/schemas\/ForecastDay">ForecastDay<\/a><\/span>/);
    const xml = await read("sitemap.xml");
    expect(xml).toContain("/apis/weather/operations/getForecast</loc>");
    expect(xml).toContain("/apis/weather/v1/operations/getForecast</loc>");
  });
});

describe("portal build: hidden means hidden", () => {
  it("never mentions the Fleet API or the Partner product in any file, JS and JSON included", async () => {
    const leaks: string[] = [];
    for (const file of files) {
      const text = await textOf(file);
      if (/Fleet|Partner/.test(text) || /\bfleet\b/i.test(text) || /\/(apis\/fleet|products\/partner|products\/premium)\b/.test(text)) {
        leaks.push(rel(file));
      }
    }
    expect(leaks).toEqual([]);
  });

  it("builds no page, download or markdown copy for anything a guest may not see", () => {
    const hidden = [
      ...Object.values(catalog.apis).filter((a) => !canSeeApi(a, GUEST_GROUPS)).map((a) => `/apis/${a.id}`),
      ...Object.values(catalog.products).filter((p) => !canSeeProduct(p, GUEST_GROUPS)).map((p) => `/products/${p.id}`),
      ...catalog.docs.filter((d) => !canSeeDoc(d, GUEST_GROUPS)).map((d) => `/docs/${d.slug}`),
    ];
    expect(hidden).toEqual(expect.arrayContaining(["/apis/fleet", "/products/partner", "/products/premium"]));
    const built = files.map(rel);
    for (const h of hidden) {
      expect(built.filter((f) => f === h + ".md" || f.startsWith(h + "/") || f === h + ".html")).toEqual([]);
    }
  });

  it("lists only guest pages in sitemap.xml, each of them built", async () => {
    const xml = await read("sitemap.xml");
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
    expect(locs).toEqual(expect.arrayContaining(["/", "/apis", "/apis/status", "/apis/weather", "/products/basic", "/docs/getting-started"]));
    for (const loc of locs) {
      expect(loc).not.toMatch(/fleet|partner|premium/i);
      const page = loc === "/" ? "index.html" : loc.slice(1) + "/index.html";
      expect(existsSync(path.join(dist, page)), loc).toBe(true);
    }
  });

  it("indexes only guest pages for search", async () => {
    const fragments = files.filter((f) => f.endsWith(".pf_fragment"));
    expect(fragments.length).toBeGreaterThan(0);
    const urls = await Promise.all(fragments.map(async (f) => (JSON.parse((await textOf(f)).replace(/^pagefind_dcd/, "")) as { url: string }).url));
    expect(urls).toEqual(expect.arrayContaining(["/docs/getting-started/", "/apis/weather/", "/products/basic/", "/apis/weather/operations/getForecast/", "/apis/status/operations/echoPost/"]));
    for (const url of urls) expect(existsSync(path.join(dist, url, "index.html")), url).toBe(true);
    // Operations of the default version only, like API pages.
    expect(urls.filter((u) => /^\/apis\/weather\/v\d\/operations\//.test(u))).toEqual([]);
  });

  it("lists guest pages in llms.txt, linked to their markdown copies", async () => {
    const text = await read("llms.txt");
    expect(text).toMatch(/^# DroneFly Developers/);
    expect(text).toContain("/apis/status.md");
    expect(text).toContain("/apis/weather.md");
    expect(text).toContain("/docs/getting-started.md");
    expect(text).not.toMatch(/fleet|partner|premium/i);
  });
});

describe("portal build: interface strings", () => {
  it("has every English string in German too", async () => {
    const en = JSON.parse(await readFile(path.join(ROOT, "src/i18n/en.json"), "utf8")) as Record<string, string>;
    const de = JSON.parse(await readFile(path.join(ROOT, "src/i18n/de.json"), "utf8")) as Record<string, string>;
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
  });
});

describe("portal build: weight", () => {
  /** Every script a page loads (inline, src, and their static imports), gzipped. */
  async function pageScriptBytes(page: string): Promise<{ gzip: number; files: string[] }> {
    const html = await read(page);
    let gzip = 0;
    const seen = new Set<string>();
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      const src = /\bsrc="([^"]+)"/.exec(m[1]!)?.[1];
      if (src) seen.add(src);
      else gzip += gzipSync(m[2]!).length;
    }
    for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)) seen.add(m[1]!);
    // Astro islands name their component and renderer URLs in attributes.
    for (const m of html.matchAll(/\b(?:component-url|renderer-url)="([^"]+)"/g)) seen.add(m[1]!);
    const queue = [...seen];
    while (queue.length > 0) {
      const url = queue.shift()!;
      const js = await readFile(path.join(dist, url), "utf8");
      gzip += gzipSync(js).length;
      for (const imp of js.matchAll(/(?:import|from)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
        const next = path.posix.join(path.posix.dirname(url), imp[1]!);
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return { gzip, files: [...seen] };
  }

  it("ships under 50 KB of gzipped JavaScript on a docs page", async () => {
    const { gzip, files: scripts } = await pageScriptBytes("docs/getting-started/index.html");
    expect(gzip).toBeLessThan(50 * 1024);
    expect(scripts.join(" ")).not.toMatch(/ApiReference|scalar/i);
  });

  it("publishes the reference's browser bundle once, outside the page bundles", async () => {
    const reference = await read("apis/weather/reference/index.html");
    const entry = /<link rel="modulepreload" href="(\/_portico\/scalar\/[^"]+\/standalone\.esm\.js)"/.exec(reference)?.[1];
    expect(entry).toBeDefined();
    expect(existsSync(path.join(dist, entry!))).toBe(true);
  });

  it("loads the reference component only on reference pages", async () => {
    const reference = await read("apis/weather/reference/index.html");
    expect(reference).toContain("astro-island");
    expect(reference).toMatch(/component-url="[^"]*ApiReference/);
    for (const page of ["index.html", "apis/index.html", "apis/weather/index.html", "products/basic/index.html", "docs/getting-started/index.html"]) {
      expect(await read(page), page).not.toContain("astro-island");
    }
  });
});
