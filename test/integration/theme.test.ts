/**
 * The second shipped theme, Signal, selected with `theme: signal` in a copy
 * of the demo content: the built portal carries its tokens, its theme.css,
 * its logo and favicon and its Hero override, fetches nothing from another
 * origin, and `portico validate` names an unknown theme at its line.
 */
import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const THEMES = path.join(ROOT, "themes");

let tmp: string;
let content: string;
let dist: string;

/** A copy of the demo content whose portal.yaml names `theme`. */
async function contentWithTheme(dir: string, theme: string): Promise<string> {
  await cp(path.join(ROOT, "content"), dir, { recursive: true });
  const file = path.join(dir, "portal.yaml");
  const text = await readFile(file, "utf8");
  if (!/^theme: .*$/m.test(text)) throw new Error("the demo's portal.yaml has no `theme:` line to replace");
  await writeFile(file, text.replace(/^theme: .*$/m, `theme: ${theme}`));
  return dir;
}

/**
 * The public portal, built the way portal-build.ts does it: from a working
 * folder of its own inside the package, so that a build running at the
 * same time elsewhere does not share (and delete) Astro's prerender folder.
 */
async function astroBuild(contentDir: string, outDir: string): Promise<{ code: number; output: string }> {
  const cwd = path.join(ROOT, ".astro", "builds", `theme-test-${process.pid}`);
  await mkdir(cwd, { recursive: true });
  try {
    return await spawnBuild(contentDir, outDir, cwd);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

function spawnBuild(contentDir: string, outDir: string, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "astro", "bin", "astro.mjs"), "build", "--root", ROOT], {
      cwd,
      env: { ...process.env, PORTICO_CONTENT: contentDir, PORTICO_THEMES: THEMES, PORTICO_DIST: outDir, PORTICO_AUDIENCE: "", ASTRO_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
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

/** The CSS a page uses: its inline <style> blocks and the stylesheets it links. */
async function pageCss(html: string): Promise<string> {
  const inline = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
  const linked = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  const files = await Promise.all(linked.map((href) => readFile(path.join(dist, href), "utf8")));
  return [...inline, ...files].join("\n");
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "portico-theme-"));
  content = await contentWithTheme(path.join(tmp, "content"), "signal");
  dist = path.join(tmp, "dist");
  const built = await astroBuild(content, dist);
  if (built.code !== 0) throw new Error(`the Signal build failed:\n${built.output}`);
}, 180_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("the Signal theme", () => {
  it("puts its design tokens on every page, for light and dark", async () => {
    for (const page of ["index.html", "apis/index.html", "docs/getting-started/index.html", "404.html"]) {
      const html = await readFile(path.join(dist, page), "utf8");
      expect(html, page).toContain("--portico-accent:#b93a0a");
      expect(html, page).toContain("--portico-radius:3px");
      expect(html, page).toMatch(/--portico-font-heading:"Iowan Old Style"/);
      expect(html, page).toMatch(/:root\[data-theme=dark\]\{[^}]*--portico-accent:#ff8a4c/);
      // The default theme's accent is nowhere.
      expect(html, page).not.toContain("#0b5fc4");
    }
  });

  it("adds its theme.css, unlayered, to the pages' styles", async () => {
    const css = await pageCss(await readFile(path.join(dist, "index.html"), "utf8"));
    expect(css).toContain("--signal-band-accent");
    expect(css).toMatch(/\.site-header\s*\{[^}]*--portico-background:\s*var\(--portico-ink\)/);
  });

  it("replaces the home page's Hero with its own component", async () => {
    const html = await readFile(path.join(dist, "index.html"), "utf8");
    expect(html).toContain('data-theme-component="signal:Hero"');
    expect(html).toMatch(/<h1 id="hero-title"[^>]*>DroneFly Developers<\/h1>/);
    // Its status board counts what guests can see: 2 APIs, 2 products.
    expect(html).toMatch(/<span class="signal-figure"[^>]*>02<\/span>\s*<span class="signal-label"[^>]*>APIs<\/span>/);
    // The built-in hero is gone; components the theme does not override stay.
    expect(html).not.toMatch(/class="container hero-inner"/);
    expect(html).toContain("api-card");
  });

  it("publishes its own logo (inlined) and favicon", async () => {
    const html = await readFile(path.join(dist, "index.html"), "utf8");
    expect(html).toMatch(/<link rel="icon" href="\/theme\/favicon\.svg"/);
    expect(await readFile(path.join(dist, "theme", "favicon.svg"), "utf8")).toBe(await readFile(path.join(THEMES, "signal", "favicon.svg"), "utf8"));
    expect(html).toContain("M33 7 22.5 33 19 21 7 17.5Z");
  });

  it("fetches no fonts, styles or scripts from another origin", async () => {
    const files = await walk(dist);
    const offenders: string[] = [];
    for (const file of files.filter((f) => /\.(html|css)$/.test(f))) {
      const text = await readFile(file, "utf8");
      const rel = path.relative(dist, file);
      if (/url\(\s*["']?(https?:)?\/\//.test(text)) offenders.push(`${rel}: url() to another origin`);
      if (/@import\s+(url\()?["']?(https?:)?\/\//.test(text)) offenders.push(`${rel}: @import from another origin`);
      if (/<(script|img)[^>]+src="(https?:)?\/\//.test(text)) offenders.push(`${rel}: script or image from another origin`);
      if (/<link[^>]+rel="(stylesheet|preconnect|preload|dns-prefetch)"[^>]+href="(https?:)?\/\//.test(text)) offenders.push(`${rel}: link to another origin`);
    }
    expect(offenders).toEqual([]);
  });
});

describe("choosing a theme", () => {
  function validate(dir: string) {
    const run = spawnSync(process.execPath, [path.join(ROOT, "gateway/src/cli.ts"), "validate", dir, "--themes", THEMES], { cwd: ROOT, encoding: "utf8" });
    return { code: run.status, out: run.stdout + run.stderr };
  }

  it("accepts both shipped themes", async () => {
    expect(validate(content)).toMatchObject({ code: 0 });
    const other = await contentWithTheme(path.join(tmp, "content-default"), "default");
    expect(validate(other)).toMatchObject({ code: 0 });
  });

  it("rejects an unknown theme at its file, line and column, naming the close one", async () => {
    const dir = await contentWithTheme(path.join(tmp, "content-typo"), "signall");
    const lines = (await readFile(path.join(dir, "portal.yaml"), "utf8")).split("\n");
    const line = lines.findIndex((l) => l.startsWith("theme:")) + 1;
    const { code, out } = validate(dir);
    expect(code).toBe(1);
    expect(out).toContain(`portal.yaml:${line}:8: theme 'signall' not found: there is no `);
    expect(out).toContain("(did you mean 'signal'?)");
    expect(out).toMatch(/themes in .*: default(,| and) signal/);
  });
});
