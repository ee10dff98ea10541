/**
 * The portal build at scale: for each size, a generated definition (see
 * openapi-gen.ts) in a content folder of its own, built with the real
 * command (`node gateway/src/cli.ts build --content … --out …`), timed,
 * with the peak memory of the build's process tree sampled every 100 ms
 * (the sum of the resident sets of `portico build` and the Astro child it
 * starts). Then the output is measured: pages, the largest page, the
 * gzipped size of the API pages, and the JavaScript each page loads
 * (scripts, module preloads and island components, with the static
 * imports they pull in; lazy `import()` chunks are not counted).
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { generateOpenApi } from "./openapi-gen.ts";
import { ROOT } from "./portico.ts";
import { treeRss } from "./procs.ts";

export interface PageWeight {
  page: string;
  htmlBytes: number;
  htmlGzipBytes: number;
  jsFiles: number;
  jsBytes: number;
  jsGzipBytes: number;
}

export interface BuildSize {
  operations: number;
  definitionBytes: number;
  ok: boolean;
  wallS: number;
  /** Peak of the summed RSS of the build's process tree (sampled), MB. */
  peakTreeRssMB: number;
  /** Largest single process's peak RSS (getrusage of children), MB. */
  peakProcessRssMB: number;
  htmlPages: number;
  largestPage: { page: string; bytes: number };
  largestFile: { file: string; bytes: number };
  /** Pages of one operation each (`/apis/big/operations/<slug>/`). */
  operationPages: number;
  /** Pages of one component schema each (`/apis/big/schemas/<name>/`). */
  schemaPages: number;
  /** Sizes of the operation pages: median and largest, HTML and gzipped. */
  operationPageSizes: { medianBytes: number; maxBytes: number; medianGzipBytes: number; maxGzipBytes: number; largest: string } | null;
  pages: PageWeight[];
  /** The definition the reference page fetches. */
  definitionServed: { file: string; bytes: number; gzipBytes: number } | null;
  phases: string[];
}

export interface LinkProbe {
  operations: number;
  valid: boolean;
  seconds: number;
  message: string;
}

export interface BuildResult {
  sizes: BuildSize[];
  /** `portico validate` on definitions whose references run through every resource. */
  crossLinked: LinkProbe[];
  markdown: string;
}

export async function writeContent(dir: string, operations: number, links: "group" | "all" = "group"): Promise<number> {
  await mkdir(path.join(dir, "apis/big"), { recursive: true });
  await mkdir(path.join(dir, "products"), { recursive: true });
  const doc = JSON.stringify(generateOpenApi(operations, { links }));
  await writeFile(path.join(dir, "portal.yaml"), "title: Build bench\ntheme: default\n");
  await writeFile(path.join(dir, "apis/big/api.yaml"), `title: Large API\ndescription: ${operations} generated operations.\npath: /big\nopenapi: openapi.json\nbackend: http://127.0.0.1:9/big\n`);
  await writeFile(path.join(dir, "apis/big/openapi.json"), doc);
  await writeFile(path.join(dir, "products/open.md"), "---\ntitle: Open\nstate: published\nsubscriptionRequired: false\ngroups: [guests]\napis: [big]\n---\nOpen.\n");
  return doc.length;
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const IMPORT = /(?:import|export)\s*(?:[\w*${}\s,]*?from\s*)?["']([^"']+\.m?js)["']/g;

async function pageWeight(dist: string, page: string): Promise<PageWeight> {
  const html = await readFile(path.join(dist, page), "utf8");
  const roots = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) roots.add(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"|<link\b[^>]*href="([^"]+)"[^>]*rel="modulepreload"/g)) roots.add((m[1] ?? m[2])!);
  for (const m of html.matchAll(/\b(?:component-url|renderer-url)="([^"]+)"/g)) roots.add(m[1]!);
  // Inline module scripts that import files.
  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) for (const i of m[1]!.matchAll(IMPORT)) if (i[1]!.startsWith("/")) roots.add(i[1]!);
  const seen = new Set<string>();
  let bytes = 0;
  let gz = 0;
  const queue = [...roots].filter((u) => u.startsWith("/") && !u.startsWith("//")).map((u) => path.join(dist, u.split("?")[0]!));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: Buffer;
    try {
      text = await readFile(file);
    } catch {
      continue;
    }
    bytes += text.length;
    gz += gzipSync(text).length;
    for (const m of text.toString("utf8").matchAll(IMPORT)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) queue.push(path.resolve(path.dirname(file), spec));
      else if (spec.startsWith("/")) queue.push(path.join(dist, spec));
    }
  }
  const buf = Buffer.from(html);
  return { page: "/" + path.relative(dist, path.join(dist, page)), htmlBytes: buf.length, htmlGzipBytes: gzipSync(buf).length, jsFiles: seen.size, jsBytes: bytes, jsGzipBytes: gz };
}

/** Median and largest size of pages, HTML and gzipped; `largest` is the page with the largest gzipped size. */
async function pageSizes(dist: string, pages: Array<{ file: string; bytes: number }>): Promise<BuildSize["operationPageSizes"]> {
  if (pages.length === 0) return null;
  const sized = await Promise.all(pages.map(async (p) => ({ file: p.file, bytes: p.bytes, gzip: gzipSync(await readFile(path.join(dist, p.file))).length })));
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const largest = sized.reduce((a, b) => (b.gzip > a.gzip ? b : a));
  return {
    medianBytes: median(sized.map((p) => p.bytes)),
    maxBytes: Math.max(...sized.map((p) => p.bytes)),
    medianGzipBytes: median(sized.map((p) => p.gzip)),
    maxGzipBytes: largest.gzip,
    largest: largest.file,
  };
}

async function buildOne(operations: number, log: (l: string) => void): Promise<BuildSize> {
  const tmp = await mkdtemp(path.join(tmpdir(), `portico-build-${operations}-`));
  try {
    const content = path.join(tmp, "content");
    const dist = path.join(tmp, "dist");
    const definitionBytes = await writeContent(content, operations);
    const phases: string[] = [];
    const started = performance.now();
    const child = spawn("/usr/bin/time", ["-f", "MAXRSS_KB=%M", process.execPath, path.join(ROOT, "gateway/src/cli.ts"), "build", "--content", content, "--out", dist], {
      cwd: ROOT,
      env: { ...process.env, PORTICO_THEMES: path.join(ROOT, "themes"), ASTRO_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    let peak = 0;
    const sampler = setInterval(() => void treeRss(child.pid!).then((v) => (peak = Math.max(peak, v))), 100);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearInterval(sampler);
    const wallS = (performance.now() - started) / 1000;
    for (const line of out.split("\n")) if (/^\[\d\/\d\] .* done in|portal built in|page\(s\) built in/.test(line.trim())) phases.push(line.trim().replace(/^\d\d:\d\d:\d\d /, ""));
    const maxKb = Number(/MAXRSS_KB=(\d+)/.exec(out)?.[1] ?? NaN);
    if (code !== 0) {
      log(`  ${operations} operations: build failed (exit ${code})\n${out.split("\n").slice(-30).join("\n")}`);
      return { operations, definitionBytes, ok: false, wallS, peakTreeRssMB: peak / 1e6, peakProcessRssMB: maxKb / 1024, htmlPages: 0, largestPage: { page: "", bytes: 0 }, largestFile: { file: "", bytes: 0 }, operationPages: 0, schemaPages: 0, operationPageSizes: null, pages: [], definitionServed: null, phases };
    }
    const all = await files(dist);
    const sized = await Promise.all(all.map(async (f) => ({ file: "/" + path.relative(dist, f), bytes: (await stat(f)).size })));
    const html = sized.filter((f) => f.file.endsWith(".html"));
    const largestPage = html.reduce((a, b) => (b.bytes > a.bytes ? b : a), { file: "", bytes: 0 });
    const largestFile = sized.reduce((a, b) => (b.bytes > a.bytes ? b : a), { file: "", bytes: 0 });
    const operationFiles = html.filter((f) => /^\/apis\/big\/operations\/[^/]+\/index\.html$/.test(f.file));
    const operationPages = operationFiles.length;
    const schemaPages = html.filter((f) => /^\/apis\/big\/schemas\/[^/]+\/index\.html$/.test(f.file)).length;
    const operationPageSizes = await pageSizes(dist, operationFiles);
    const pages: PageWeight[] = [];
    const sample = operationPageSizes ? [operationPageSizes.largest.slice(1)] : [];
    for (const p of ["apis/big/index.html", ...sample, "apis/big/reference/index.html", "docs/index.html", "index.html"]) {
      try {
        pages.push(await pageWeight(dist, p));
      } catch {
        // the page does not exist in this portal
      }
    }
    const served = sized.find((f) => f.file === "/apis/big/openapi.json");
    const definitionServed = served ? { file: served.file, bytes: served.bytes, gzipBytes: gzipSync(await readFile(path.join(dist, served.file))).length } : null;
    const result: BuildSize = {
      operations,
      definitionBytes,
      ok: true,
      wallS,
      peakTreeRssMB: peak / 1e6,
      peakProcessRssMB: maxKb / 1024,
      htmlPages: html.length,
      largestPage: { page: largestPage.file, bytes: largestPage.bytes },
      largestFile,
      operationPages,
      schemaPages,
      operationPageSizes,
      pages,
      definitionServed,
      phases,
    };
    log(`  ${operations} operations: ${wallS.toFixed(1)} s, peak ${result.peakTreeRssMB.toFixed(0)} MB (tree) / ${result.peakProcessRssMB.toFixed(0)} MB (largest process), ${html.length} HTML pages, largest ${largestPage.file} ${(largestPage.bytes / 1024).toFixed(0)} KB`);
    return result;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

const kb = (n: number) => `${(n / 1024).toLocaleString("en-US", { maximumFractionDigits: 1 })} KB`;

/** DESIGN §9's build targets, judged on the 1,200-operation build (page bounds on every size). */
function buildTargets(ok: BuildSize[]): string[] {
  const at1200 = ok.find((s) => s.operations === 1200);
  const largest = ok.reduce<BuildSize | undefined>((a, b) => (a === undefined || b.largestPage.bytes > a.largestPage.bytes ? b : a), undefined);
  const opMax = ok.reduce((m, s) => Math.max(m, s.operationPageSizes?.maxGzipBytes ?? 0), 0);
  const row = (target: string, goal: string, measured: string, met: boolean | undefined) => `| ${target} | ${goal} | ${measured} | ${met === undefined ? "n/a" : met ? "yes" : "**no**"} |`;
  const lines = ["Targets (DESIGN §9):", "", "| target | goal | measured | met |", "|---|---|---:|:---:|"];
  lines.push(row("a page per operation (1,200 operations)", "yes", at1200 ? `${at1200.operationPages.toLocaleString("en-US")} pages` : "not built", at1200 ? at1200.operationPages >= 1200 : undefined));
  lines.push(row("build time at 1,200 operations", "< 20 s", at1200 ? `${at1200.wallS.toFixed(1)} s` : "not built", at1200 ? at1200.wallS < 20 : undefined));
  lines.push(row("peak memory at 1,200 operations (process tree)", "< 800 MB", at1200 ? `${at1200.peakTreeRssMB.toFixed(0)} MB` : "not built", at1200 ? at1200.peakTreeRssMB < 800 : undefined));
  lines.push(row("largest page, every size", "≤ 1 MB", largest ? `${kb(largest.largestPage.bytes)} (${largest.operations} operations, ${largest.largestPage.page})` : "–", largest ? largest.largestPage.bytes <= 1024 * 1024 : undefined));
  lines.push(row("operation page, gzipped HTML, every size", "< 30 KB", opMax > 0 ? kb(opMax) : "–", opMax > 0 ? opMax < 30 * 1024 : undefined));
  return lines;
}

/** Validates (does not build) a definition whose `related` references form one cycle through every resource. */
async function probeCrossLinked(operations: number): Promise<LinkProbe> {
  const tmp = await mkdtemp(path.join(tmpdir(), `portico-validate-${operations}-`));
  try {
    await writeContent(path.join(tmp, "content"), operations, "all");
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(ROOT, "gateway/src/cli.ts"), "validate", path.join(tmp, "content"), "--themes", path.join(ROOT, "themes")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const first = out.split("\n").find((l) => /error|exceeded/i.test(l)) ?? "";
    const message = first.replace(/^.*?openapi\.json:\d+:\d+: /, "").replace(/ at #\/paths\S+/, " at #/paths/… (path elided)");
    return { operations, valid: code === 0, seconds: (performance.now() - started) / 1000, message: code === 0 ? "" : message.slice(0, 300) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export async function runBuildBench(o: { sizes: number[]; log: (l: string) => void }): Promise<BuildResult> {
  const sizes: BuildSize[] = [];
  for (const n of o.sizes) sizes.push(await buildOne(n, o.log));
  const crossLinked: LinkProbe[] = [];
  for (const n of o.sizes) {
    const p = await probeCrossLinked(n);
    o.log(`  validate, references across all resources, ${n} operations: ${p.valid ? "valid" : "REFUSED: " + p.message}`);
    crossLinked.push(p);
  }
  const ok = sizes.filter((s) => s.ok);
  const lines: string[] = [];
  lines.push("## Portal build at scale");
  lines.push("");
  lines.push("One API with a generated definition (test/bench/openapi-gen.ts: Stripe-like resources, 5 operations each, `allOf`, `oneOf` with discriminators, expandable fields, recursive schemas, an 8-level `$ref` chain, examples), built with `node gateway/src/cli.ts build`.");
  lines.push("");
  lines.push("| operations | definition | wall time | s per 100 ops | peak RSS (tree) | peak RSS (largest process) | HTML pages | largest page | API page (gzip) | reference page (gzip) | definition fetched by the reference page (gzip) |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const s of sizes) {
    if (!s.ok) {
      lines.push(`| ${s.operations} | ${kb(s.definitionBytes)} | failed after ${s.wallS.toFixed(1)} s | | | | | | | | |`);
      continue;
    }
    const api = s.pages.find((p) => p.page === "/apis/big/index.html");
    const ref = s.pages.find((p) => p.page === "/apis/big/reference/index.html");
    lines.push(
      `| ${s.operations} | ${kb(s.definitionBytes)} | ${s.wallS.toFixed(1)} s | ${((s.wallS / s.operations) * 100).toFixed(2)} | ${s.peakTreeRssMB.toFixed(0)} MB | ${s.peakProcessRssMB.toFixed(0)} MB | ${s.htmlPages} | ${kb(s.largestPage.bytes)} (${s.largestPage.page}) | ${api ? `${kb(api.htmlBytes)} (${kb(api.htmlGzipBytes)})` : "–"} | ${ref ? `${kb(ref.htmlBytes)} (${kb(ref.htmlGzipBytes)})` : "–"} | ${s.definitionServed ? `${kb(s.definitionServed.bytes)} (${kb(s.definitionServed.gzipBytes)})` : "–"} |`,
    );
  }
  const last = ok[ok.length - 1];
  if (last) {
    lines.push("");
    lines.push(`JavaScript each page loads (${last.operations}-operation build; scripts, module preloads and island components plus their static imports; lazy chunks not counted):`);
    lines.push("");
    lines.push("| page | HTML | HTML gzip | JS files | JS | JS gzip |");
    lines.push("|---|---:|---:|---:|---:|---:|");
    for (const p of last.pages) lines.push(`| ${p.page} | ${kb(p.htmlBytes)} | ${kb(p.htmlGzipBytes)} | ${p.jsFiles} | ${kb(p.jsBytes)} | ${kb(p.jsGzipBytes)} |`);
    lines.push("");
    const op = last.operationPageSizes;
    lines.push(
      last.operationPages === 0
        ? `Pages per operation: **none**. Largest file in the output: ${last.largestFile.file} (${kb(last.largestFile.bytes)}).`
        : `A page per operation: ${last.operationPages.toLocaleString("en-US")} operation pages and ${last.schemaPages.toLocaleString("en-US")} component-schema pages; ` +
            `an operation page is ${kb(op!.medianBytes)} of HTML (${kb(op!.medianGzipBytes)} gzipped) at the median and at most ${kb(op!.maxBytes)} (${kb(op!.maxGzipBytes)} gzipped, ${op!.largest}); ` +
            `the operation list they share is one file per API version (/apis/big/operations.json), not repeated in each page. Largest file in the output: ${last.largestFile.file} (${kb(last.largestFile.bytes)}).`,
    );
  }
  if (ok.length >= 2) {
    // Linearity: least squares of wall time on operations.
    const xs = ok.map((s) => s.operations);
    const ys = ok.map((s) => s.wallS);
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const intercept = my - slope * mx;
    const ssr = ys.reduce((a, y, i) => a + (y - (intercept + slope * xs[i]!)) ** 2, 0);
    const sst = ys.reduce((a, y) => a + (y - my) ** 2, 0);
    lines.push(`Wall time ≈ ${intercept.toFixed(1)} s + ${(slope * 1000).toFixed(2)} s per 1,000 operations (least squares, R² = ${sst === 0 ? "n/a" : (1 - ssr / sst).toFixed(3)}).`);
  }
  lines.push("", ...buildTargets(ok));
  lines.push("");
  lines.push("The same definitions with each resource's `related` field pointing at the next resource overall (one reference cycle through every resource, as in Stripe's definition) instead of within its group of 10, checked with `portico validate`:");
  lines.push("");
  lines.push("| operations | validate | time | message |");
  lines.push("|---:|:---:|---:|---|");
  for (const p of crossLinked) lines.push(`| ${p.operations} | ${p.valid ? "valid" : "**refused**"} | ${p.seconds.toFixed(1)} s | ${p.message.replace(/\|/g, "\\|")} |`);
  return { sizes, crossLinked, markdown: lines.join("\n") };
}
