/**
 * The last steps of a portal build, run by `runAstroBuild` in a process of
 * their own once Astro has exited (`node src/lib/finish-build.ts <out>`, with
 * the build's PORTICO_* variables), so that Pagefind's indexer never runs
 * beside Astro's resident memory:
 *
 * 1. the full-text search index of the pages marked for it (search-index.ts);
 * 2. the check that no built file, search index included, names a page
 *    hidden from the build's audience. A hit fails the build.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { canSeeApi, canSeeDoc, canSeeProduct, type Groups } from "../../gateway/src/accounts/visibility.ts";
import type { Catalog } from "../../gateway/src/model/catalog.ts";
import { isPublicBuild, loadPortalCatalog, porticoPaths } from "./catalog.ts";
import { operationSearchRecords } from "./operations.ts";
import { writeSearchIndex } from "./search-index.ts";
import { audienceView } from "./visibility.ts";

/** Portal paths of pages hidden from the build's audience, which must not appear in any built file. */
function hiddenAddresses(catalog: Catalog, groups: Groups): Array<{ path: string; pattern: RegExp }> {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // A hidden docs folder page may have visible pages below it; an API or product may not.
  const entry = (p: string, below: boolean) => ({ path: p, pattern: new RegExp(escape(p) + (below ? "(?![\\w-])" : "(?![\\w/-])")) });
  const out: Array<{ path: string; pattern: RegExp }> = [];
  for (const api of Object.values(catalog.apis)) if (!canSeeApi(api, groups)) out.push(entry(`/apis/${api.id}`, true));
  for (const product of Object.values(catalog.products)) if (!canSeeProduct(product, groups)) out.push(entry(`/products/${product.id}`, true));
  for (const doc of catalog.docs) if (!canSeeDoc(doc, groups)) out.push(entry(`/docs/${doc.slug}`, false));
  return out;
}

const TEXT_FILE = /\.(html|js|mjs|css|json|xml|txt|md|yaml|svg|pf_fragment|pf_index|pf_meta)$/;
/** Pagefind's index files are gzipped JSON. */
const GZIPPED_INDEX = /\.pf_(fragment|index|meta)$/;

/** Every mention of a hidden page in the built files, as `<file> mentions hidden <path>`. */
export async function findLeaks(outDir: string, catalog: Catalog, groups: Groups): Promise<{ hidden: number; leaks: string[] }> {
  const hidden = hiddenAddresses(catalog, groups);
  const leaks: string[] = [];
  if (hidden.length === 0) return { hidden: 0, leaks };
  const entries = await readdir(outDir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const rel = "/" + path.relative(outDir, file).split(path.sep).join("/");
    const urlPath = rel.replace(/(\/index)?\.html$/, "").replace(/\.md$/, "");
    for (const h of hidden) if (h.pattern.test(urlPath + " ")) leaks.push(`${rel} is the page of hidden ${h.path}`);
    if (!TEXT_FILE.test(file)) continue;
    const bytes = await readFile(file);
    const text = (GZIPPED_INDEX.test(file) ? gunzipSync(bytes) : bytes).toString("utf8");
    for (const h of hidden) if (h.pattern.test(text)) leaks.push(`${rel} mentions hidden ${h.path}`);
  }
  return { hidden: hidden.length, leaks };
}

async function main(outDir: string): Promise<number> {
  const paths = porticoPaths();
  const { catalog } = await loadPortalCatalog(paths);
  const view = audienceView(catalog, new Set(paths.audience));
  const search = await writeSearchIndex(outDir, operationSearchRecords(view.apis, view.portal.locale));
  console.log(`[portico] search index written (${search.pages} pages indexed)`);
  const { hidden, leaks } = await findLeaks(outDir, catalog, new Set(paths.audience));
  if (leaks.length > 0) {
    console.error(
      `[portico] the built portal names pages that ${isPublicBuild(paths) ? "guests" : `its audience (${paths.audience.join(", ")})`} may not see:\n  ${leaks.join("\n  ")}\n` +
        "This is a bug in the portal build: please report it.",
    );
    return 1;
  }
  if (hidden > 0) console.log(`[portico] checked: no built file names any of ${hidden} hidden page${hidden === 1 ? "" : "s"}`);
  return 0;
}

if (import.meta.main) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error("usage: finish-build.ts <output folder>");
    process.exit(2);
  }
  process.exit(await main(path.resolve(outDir)));
}
