/**
 * The catalog as the portal build sees it: loaded once per build through the
 * model's `loadCatalog()` and shared by the config, the integration and every
 * page. Astro evaluates the config and the pages in separate module graphs
 * of the same process, so the memo lives on `globalThis` under a registered
 * symbol rather than in a module variable.
 */
import path from "node:path";
import type { Catalog, Problem } from "../../gateway/src/model/catalog.ts";
import { formatProblem, sortProblems } from "../../gateway/src/model/problems.ts";
import { loadCatalog } from "../../gateway/src/model/loader.ts";
import { readCatalogSnapshot, SNAPSHOT_ENV } from "../../gateway/src/server/catalog-snapshot.ts";

/** Where the build reads content and themes and writes the portal, and for whom. */
export interface PorticoPaths {
  contentDir: string;
  themesDir: string;
  distDir: string;
  /**
   * The groups the portal is built for: `["guests"]` for the public portal,
   * or a restricted audience's groups (gateway/src/server/audiences.ts).
   */
  audience: string[];
}

/**
 * The paths from `PORTICO_CONTENT`, `PORTICO_THEMES` and `PORTICO_DIST`,
 * resolved against `root`, and the audience from `PORTICO_AUDIENCE` (group
 * ids separated by commas; default: guests).
 */
export function porticoPaths(env: NodeJS.ProcessEnv = process.env, root: string = process.cwd()): PorticoPaths {
  const pick = (name: string, fallback: string) => path.resolve(root, env[name] && env[name] !== "" ? env[name] : fallback);
  const audience = (env.PORTICO_AUDIENCE ?? "").split(",").map((g) => g.trim()).filter((g) => g !== "");
  return {
    contentDir: pick("PORTICO_CONTENT", "content"),
    themesDir: pick("PORTICO_THEMES", "themes"),
    distDir: pick("PORTICO_DIST", "dist"),
    audience: audience.length === 0 ? ["guests"] : [...new Set(audience)].sort(),
  };
}

/** Whether a build is the public one (for guests) rather than a restricted audience's. */
export function isPublicBuild(paths: PorticoPaths): boolean {
  return paths.audience.length === 1 && paths.audience[0] === "guests";
}

/** The content has errors: the message lists every problem as `file:line:column: message`. */
export class ContentError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super(
      `the content has ${errors.length} error${errors.length === 1 ? "" : "s"}:\n` +
        sortProblems(problems).map((p) => "  " + formatProblem(p)).join("\n"),
    );
    this.name = "ContentError";
    this.problems = problems;
  }
}

interface Memo {
  key: string;
  promise: Promise<{ catalog: Catalog; warnings: Problem[] }>;
}

const MEMO = Symbol.for("portico.portal.catalog");
type Holder = { [MEMO]?: Memo };

/**
 * Loads the catalog of `paths` once (from the build's snapshot of it when
 * `portico build` made one, see catalog-snapshot.ts). Warnings are returned
 * for the caller to print; errors reject with a ContentError.
 */
export function loadPortalCatalog(paths: PorticoPaths = porticoPaths()): Promise<{ catalog: Catalog; warnings: Problem[] }> {
  const holder = globalThis as Holder;
  const key = `${paths.contentDir}\0${paths.themesDir}`;
  if (holder[MEMO]?.key === key) return holder[MEMO].promise;
  const snapshotFile = process.env[SNAPSHOT_ENV];
  const snapshot = snapshotFile ? readCatalogSnapshot(snapshotFile, paths.contentDir, paths.themesDir) : undefined;
  const loading = snapshot ? Promise.resolve(snapshot) : loadCatalog(paths.contentDir, { themesDir: paths.themesDir });
  const promise = loading.then((result) => {
    const errors = result.problems.filter((p) => p.severity === "error");
    if (errors.length > 0 || result.catalog === undefined) throw new ContentError(result.problems);
    return { catalog: result.catalog, warnings: result.problems };
  });
  holder[MEMO] = { key, promise };
  // A failed load is not cached: the next request in `astro dev` tries again.
  promise.catch(() => {
    if (holder[MEMO]?.promise === promise) delete holder[MEMO];
  });
  return promise;
}

/** The full catalog, hidden parts included: only `site.ts` reads it, to make the audience's view. */
export async function getFullCatalog(): Promise<Catalog> {
  return (await loadPortalCatalog()).catalog;
}

/** Forget the loaded catalog (the dev server calls this when content or a theme changes). */
export function resetCatalog(): void {
  delete (globalThis as Holder)[MEMO];
}
