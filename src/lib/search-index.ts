/**
 * Full-text search with Pagefind, built from the HTML the guest build wrote:
 * only guest pages exist there, so only guest content can be indexed. Pages
 * mark what to index with `data-pagefind-body` (docs, APIs, products).
 */
import path from "node:path";

export const SEARCH_BASE = "/pagefind";

export async function writeSearchIndex(outDir: string): Promise<{ pages: number }> {
  const pagefind = await import("pagefind");
  const { index, errors } = await pagefind.createIndex({ excludeSelectors: ["[data-pagefind-ignore]", "nav"] });
  if (!index) throw new Error(`pagefind: ${errors.join("; ")}`);
  try {
    const added = await index.addDirectory({ path: outDir });
    if (added.errors.length > 0) throw new Error(`pagefind: ${added.errors.join("; ")}`);
    const written = await index.writeFiles({ outputPath: path.join(outDir, ...SEARCH_BASE.split("/").filter(Boolean)) });
    if (written.errors.length > 0) throw new Error(`pagefind: ${written.errors.join("; ")}`);
    return { pages: added.page_count };
  } finally {
    await pagefind.close();
  }
}
