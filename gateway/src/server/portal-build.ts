/**
 * Builds the static portal with Astro, in a child process so that the
 * service does not keep Vite's memory after the build, and records a stamp
 * of its inputs so that `npm start` rebuilds only when content, themes or
 * the portal's source changed.
 *
 * Two outputs: the public portal (`dist/`, what guests see, fit for any
 * static host) and, beside it, the restricted trees (`dist-restricted/
 * <audience>/`, see audiences.ts), which only the service serves, after
 * checking the caller's session.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceConfig } from "../config.ts";
import type { Audience } from "./audiences.ts";
import { acquireBuildLock } from "./build-lock.ts";
import { SNAPSHOT_ENV, type ValidationOutcome } from "./catalog-snapshot.ts";

/** The package root: where astro.config.mjs and src/ live. */
export const PACKAGE_ROOT = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));

const STAMP_FILE = ".portico-build.json";

/** The restricted trees' manifest, in the restricted folder. */
export const AUDIENCES_FILE = "audiences.json";

export interface AudienceManifest {
  audiences: Audience[];
  builtAt: string;
}

/**
 * Where the restricted trees of the portal built into `distDir` go: beside
 * it, never inside, so that copying `dist/` to a static host publishes only
 * what guests may see.
 */
export function restrictedDirOf(distDir: string): string {
  return path.resolve(distDir) + "-restricted";
}

async function hashTree(hash: ReturnType<typeof createHash>, dir: string, label: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`))
    .sort();
  for (const file of files) {
    hash.update(label + path.relative(dir, file) + "\0");
    hash.update(await readFile(file));
  }
}

/** A hash of everything the portal build reads. */
export async function inputsStamp(config: ServiceConfig): Promise<string> {
  const hash = createHash("sha256");
  await hashTree(hash, config.contentDir, "content:");
  await hashTree(hash, config.themesDir, "themes:");
  await hashTree(hash, path.join(PACKAGE_ROOT, "src"), "src:");
  await hashTree(hash, path.join(PACKAGE_ROOT, "gateway", "src", "model"), "model:");
  hash.update(await readFile(path.join(PACKAGE_ROOT, "astro.config.mjs")));
  hash.update(await readFile(path.join(PACKAGE_ROOT, "package-lock.json")).catch(() => Buffer.alloc(0)));
  return hash.digest("hex");
}

export async function isBuildCurrent(config: ServiceConfig): Promise<boolean> {
  try {
    const stamp = JSON.parse(await readFile(path.join(config.distDir, STAMP_FILE), "utf8")) as { inputs?: string };
    // The restricted trees are part of the build: without their manifest it is not complete.
    await readFile(path.join(restrictedDirOf(config.distDir), AUDIENCES_FILE));
    return stamp.inputs === (await inputsStamp(config));
  } catch {
    return false;
  }
}

export interface BuildResult {
  ok: boolean;
  skipped: boolean;
  ms: number;
}

export async function buildPortal(config: ServiceConfig, options: { force: boolean; log: (line: string) => void }): Promise<BuildResult> {
  const { log } = options;
  const started = performance.now();
  /** The result of a build found current, or undefined when one is needed. */
  const skipIfCurrent = async (ms: number): Promise<BuildResult | undefined> => {
    if (options.force || !(await isBuildCurrent(config))) return undefined;
    log(`portal is up to date in ${path.relative(process.cwd(), config.distDir) || "."}`);
    return { ok: true, skipped: true, ms };
  };
  const current = await skipIfCurrent(0);
  if (current) return current;
  const lock = await acquireBuildLock(config.distDir, log);
  try {
    // Whoever held the lock may just have built these very inputs.
    return (await skipIfCurrent(performance.now() - started)) ?? (await buildLocked(config, log, started));
  } finally {
    await lock.release();
  }
}

async function buildLocked(config: ServiceConfig, log: (line: string) => void, started: number): Promise<BuildResult> {
  const timings: string[] = [];
  const phase = async <T>(n: number, total: number, label: string, work: () => Promise<T>, short: string): Promise<T> => {
    const t = performance.now();
    log(`[${n}/${total}] ${label}…`);
    const result = await work();
    const seconds = ((performance.now() - t) / 1000).toFixed(1);
    log(`[${n}/${total}] ${label} done in ${seconds} s`);
    timings.push(`${short} ${seconds} s`);
    return result;
  };

  const work = await mkdtemp(path.join(tmpdir(), "portico-build-"));
  try {
    const snapshot = path.join(work, "catalog.bin");
    const validated = await phase(1, 3, "validating content", () => validateInChild(config, snapshot, log), "validate");
    if (!validated) return { ok: false, skipped: false, ms: performance.now() - started };
    if (validated.report !== "") log(validated.report);
    if (!validated.ok) {
      log(`build stopped: ${validated.errors} error${validated.errors === 1 ? "" : "s"} in the content`);
      return { ok: false, skipped: false, ms: performance.now() - started };
    }
    const inputs = await inputsStamp(config);
    const code = await phase(2, 3, "building the public portal with Astro", () => runAstroBuild(config, config.distDir, undefined, log, snapshot), "public");
    if (code !== 0) {
      log(`build failed: astro exited with ${code}`);
      return { ok: false, skipped: false, ms: performance.now() - started };
    }
    const { plan } = validated;
    if (plan.warning) log(`warning: ${plan.warning}`);
    const restricted = restrictedDirOf(config.distDir);
    const label =
      plan.audiences.length === 0
        ? "no restricted pages to build"
        : `building restricted pages for ${plan.audiences.length} audience${plan.audiences.length === 1 ? "" : "s"} (${plan.audiences.map((a) => a.id).join(", ")})`;
    const restrictedOk = await phase(3, 3, label, () => buildRestricted(config, restricted, plan.audiences, log, snapshot), "restricted");
    if (!restrictedOk) {
      log("build failed: a restricted tree did not build");
      return { ok: false, skipped: false, ms: performance.now() - started };
    }
    await mkdir(config.distDir, { recursive: true });
    await writeFile(path.join(config.distDir, STAMP_FILE), JSON.stringify({ inputs, builtAt: new Date().toISOString() }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const ms = performance.now() - started;
  log(`portal built in ${(ms / 1000).toFixed(1)} s (${timings.join(", ")}) → ${path.relative(process.cwd(), config.distDir) || config.distDir}`);
  return { ok: true, skipped: false, ms };
}

/**
 * Builds each audience's tree into a fresh folder, then swaps it in for the
 * previous restricted folder in one rename, so a running service never reads
 * a half-built tree. Astro's output for an audience is printed only when it
 * fails.
 */
async function buildRestricted(config: ServiceConfig, restricted: string, audiences: Audience[], log: (line: string) => void, snapshot: string): Promise<boolean> {
  const next = `${restricted}.next`;
  await rm(next, { recursive: true, force: true });
  await mkdir(next, { recursive: true });
  for (const audience of audiences) {
    const t = performance.now();
    const lines: string[] = [];
    const code = await runAstroBuild(config, path.join(next, audience.id), audience.groups, (line) => lines.push(line), snapshot);
    if (code !== 0) {
      for (const line of lines) log(line);
      log(`  ${audience.id}: astro exited with ${code}`);
      await rm(next, { recursive: true, force: true });
      return false;
    }
    const pages = lines.map((l) => /(\d+) page\(s\) built/.exec(l)?.[1]).find((n) => n !== undefined);
    log(`  ${audience.id} (${audience.groups.join(", ")}): ${pages ?? "?"} pages in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const manifest: AudienceManifest = { audiences, builtAt: new Date().toISOString() };
  await writeFile(path.join(next, AUDIENCES_FILE), JSON.stringify(manifest, null, 2) + "\n");
  const old = `${restricted}.old`;
  await rm(old, { recursive: true, force: true });
  await rename(restricted, old).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
  await rename(next, restricted);
  await rm(old, { recursive: true, force: true });
  return true;
}

let builds = 0;

/**
 * A working folder of its own for one Astro build. Astro renders pages from
 * server chunks it writes to `<cwd>/.astro/.prerender/` when the output
 * folder is outside the working folder (always, for the restricted trees
 * and for temporary folders) and deletes that folder when done, so two
 * builds started from the same folder at once (the service and a test, two
 * tests) break each other. Inside the package, so that the chunks still
 * resolve its node_modules.
 */
async function buildWorkDir(): Promise<string> {
  const dir = path.join(PACKAGE_ROOT, ".astro", "builds", `${process.pid}-${++builds}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * One Astro build of the portal into `outDir` for `audience` (undefined: the
 * public portal), reading the catalog from `snapshot` when given (else
 * loading the content itself); resolves to its exit code.
 */
export async function runAstroBuild(config: ServiceConfig, outDir: string, audience: string[] | undefined, log: (line: string) => void, snapshot?: string): Promise<number> {
  const cwd = await buildWorkDir();
  const env = {
    PORTICO_CONTENT: config.contentDir,
    PORTICO_THEMES: config.themesDir,
    PORTICO_DIST: outDir,
    PORTICO_AUDIENCE: audience === undefined ? "" : audience.join(","),
    [SNAPSHOT_ENV]: snapshot ?? "",
    ASTRO_TELEMETRY_DISABLED: "1",
  };
  try {
    const astro = path.join(PACKAGE_ROOT, "node_modules", "astro", "bin", "astro.mjs");
    const code = await runNode([...ASTRO_NODE_FLAGS, astro, "build", "--root", PACKAGE_ROOT], cwd, { ...env, ...ASTRO_MALLOC }, log);
    if (code !== 0) return code;
    // Once Astro's memory is gone: the search index, then the check for hidden pages.
    return await runNode([FINISH_SCRIPT, outDir], cwd, env, log);
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
}

const FINISH_SCRIPT = path.join(PACKAGE_ROOT, "src", "lib", "finish-build.ts");

/**
 * An Astro build renders thousands of pages, each leaving short-lived
 * strings: a smaller young generation collects them sooner, which keeps the
 * build's resident memory about 100 MB lower at 1,200 operations for a few
 * per cent more time (test/bench: build).
 */
const ASTRO_NODE_FLAGS = ["--max-semi-space-size=4"];

/**
 * The bundler's worker threads each get a malloc arena by default, and
 * glibc keeps what they freed; two arenas return most of it.
 */
const ASTRO_MALLOC = { MALLOC_ARENA_MAX: "2" };

/**
 * Validates the content in a child process (catalog-snapshot.ts), which
 * writes the catalog to `snapshot` for the Astro builds; undefined when the
 * child failed for another reason than the content (its output is logged).
 */
async function validateInChild(config: ServiceConfig, snapshot: string, log: (line: string) => void): Promise<ValidationOutcome | undefined> {
  const script = fileURLToPath(new URL("./catalog-snapshot.ts", import.meta.url));
  const lines: string[] = [];
  const code = await runNode([script, config.contentDir, config.themesDir, snapshot], PACKAGE_ROOT, {}, (line) => lines.push(line));
  try {
    return JSON.parse(await readFile(`${snapshot}.json`, "utf8")) as ValidationOutcome;
  } catch {
    for (const line of lines) log(line);
    log(`validation failed: the validating process exited with ${code}`);
    return undefined;
  }
}

/** Runs `node <args>` with the service's environment plus `env`, relaying its output line by line; resolves to its exit code. */
function runNode(args: string[], cwd: string, env: Record<string, string>, log: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Astro writes a page's line and its timing in separate chunks: relay whole lines only.
    const relay = () => {
      let partial = "";
      return {
        data(chunk: Buffer) {
          const lines = (partial + chunk.toString("utf8")).split("\n");
          partial = lines.pop() ?? "";
          for (const line of lines) if (line.trim() !== "") log("  " + line);
        },
        end() {
          if (partial.trim() !== "") log("  " + partial);
          partial = "";
        },
      };
    };
    const out = relay();
    const err = relay();
    child.stdout.on("data", out.data);
    child.stderr.on("data", err.data);
    child.on("error", reject);
    child.on("close", (code) => {
      out.end();
      err.end();
      resolve(code ?? 1);
    });
  });
}
