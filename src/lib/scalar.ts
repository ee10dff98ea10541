/**
 * The reference island loads Scalar's prebuilt browser bundle (ES module
 * with its CSS inside and lazy chunks beside it) instead of bundling the
 * package again: that keeps the build to a few seconds and a few hundred
 * megabytes whatever the size of the APIs. The files are copied to
 * `/_portico/scalar/<version>/` after a build and served from the package
 * by the dev server.
 */
import { existsSync, readFileSync } from "node:fs";
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** `node_modules/@scalar/api-reference/dist`. */
function packageDist(): string {
  return path.dirname(require.resolve("@scalar/api-reference"));
}

export function scalarVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageDist(), "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** URL path of the folder the bundle is published in. */
export function scalarBase(): string {
  return `/_portico/scalar/${scalarVersion()}`;
}

/** URL of the bundle's entry module. */
export function scalarEntry(): string {
  return `${scalarBase()}/standalone.esm.js`;
}

function browserDir(): string {
  return path.join(packageDist(), "browser");
}

/** The bundle's files, relative to its folder: the entry and its chunks, no source maps. */
async function bundleFiles(): Promise<string[]> {
  const chunks = (await readdir(path.join(browserDir(), "chunks"))).filter((f) => f.endsWith(".js")).map((f) => `chunks/${f}`);
  return ["standalone.esm.js", ...chunks];
}

export async function copyScalarBundle(outDir: string): Promise<number> {
  const target = path.join(outDir, ...scalarBase().split("/").filter(Boolean));
  await mkdir(path.join(target, "chunks"), { recursive: true });
  const files = await bundleFiles();
  await Promise.all(files.map((f) => copyFile(path.join(browserDir(), f), path.join(target, f))));
  return files.length;
}

/** The file for a dev-server request under scalarBase(), or undefined. */
export function scalarFileFor(urlPath: string): string | undefined {
  const base = scalarBase() + "/";
  if (!urlPath.startsWith(base)) return undefined;
  const rel = urlPath.slice(base.length);
  if (!/^(standalone\.esm|chunks\/[\w.-]+)\.js$/.test(rel)) return undefined;
  const file = path.join(browserDir(), rel);
  return existsSync(file) ? file : undefined;
}
