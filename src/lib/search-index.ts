/**
 * Full-text search with Pagefind, built from the HTML the guest build wrote:
 * only guest pages exist there, so only guest content can be indexed. Pages
 * mark what to index with `data-pagefind-body` (docs, APIs, products).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { CustomRecord } from "pagefind";

export const SEARCH_BASE = "/pagefind";

/** The attribute by which a page says what to index (Pagefind then ignores pages without it). */
const INDEX_MARK = "data-pagefind-body";

/**
 * Indexes the pages of `outDir` that mark content to index, and `records`:
 * entries for pages whose text is known without reading them back
 * (operation pages, see operations.ts).
 */
export async function writeSearchIndex(outDir: string, records: CustomRecord[] = []): Promise<{ pages: number }> {
  const pagefind = await import("pagefind");
  const { index, errors } = await pagefind.createIndex({ excludeSelectors: ["[data-pagefind-ignore]", "nav"] });
  if (!index) throw new Error(`pagefind: ${errors.join("; ")}`);
  try {
    // Only pages that mark content to index are read into Pagefind: parsing
    // the others (schema pages, other versions' copies) is most of its time
    // in a large portal, and finds nothing.
    const files = (await readdir(outDir, { withFileTypes: true, recursive: true }))
      .filter((e) => e.isFile() && e.name.endsWith(".html"))
      .map((e) => path.join(e.parentPath, e.name));
    let pages = 0;
    // Several files in flight, so that Pagefind's indexer is not idle while the next one is read.
    const worker = async () => {
      for (let file = files.pop(); file !== undefined; file = files.pop()) {
        const content = await readFile(file, "utf8");
        if (!content.includes(INDEX_MARK)) continue;
        const added = await index.addHTMLFile({ sourcePath: path.relative(outDir, file), content });
        if (added.errors.length > 0) throw new Error(`pagefind: ${path.relative(outDir, file)}: ${added.errors.join("; ")}`);
        pages++;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    for (const record of records) {
      const added = await index.addCustomRecord(record);
      if (added.errors.length > 0) throw new Error(`pagefind: ${record.url}: ${added.errors.join("; ")}`);
      pages++;
    }
    const written = await index.writeFiles({ outputPath: path.join(outDir, ...SEARCH_BASE.split("/").filter(Boolean)) });
    if (written.errors.length > 0) throw new Error(`pagefind: ${written.errors.join("; ")}`);
    return { pages };
  } finally {
    await pagefind.close();
  }
}
