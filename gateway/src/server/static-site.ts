/**
 * Serves a built portal folder. The folder is indexed once when the service
 * starts (and again after a rebuild), so a request is a map lookup: no
 * path joining with user input, hence no way to read outside the folder.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";

export interface StaticFile {
  file: string;
  size: number;
  etag: string;
  type: string;
  immutable: boolean;
}

export interface StaticSite {
  dir: string;
  files: Map<string, StaticFile>;
  /** The file for a URL path: exact file, `<path>/index.html` or `<path>.html`. */
  lookup(urlPath: string): StaticFile | undefined;
  notFound?: StaticFile;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".yaml": "application/yaml; charset=utf-8",
  ".yml": "application/yaml; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".pf_meta": "application/octet-stream",
  ".pf_index": "application/octet-stream",
  ".pf_fragment": "application/octet-stream",
  ".pagefind": "application/octet-stream",
};

async function walk(dir: string, prefix = ""): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = prefix + "/" + entry.name;
    if (entry.isDirectory()) out.push(...(await walk(full, rel)));
    else if (entry.isFile()) out.push([rel, full]);
  }
  return out;
}

/** Indexes `dir`; a missing folder gives an empty site (the portal is not built yet). */
export async function indexStaticSite(dir: string, options: { exclude?: (urlPath: string) => boolean } = {}): Promise<StaticSite> {
  const files = new Map<string, StaticFile>();
  let entries: Array<[string, string]> = [];
  try {
    entries = await walk(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  for (const [urlPath, file] of entries) {
    if (options.exclude?.(urlPath)) continue;
    const st = await stat(file);
    const ext = path.extname(file).toLowerCase();
    files.set(urlPath, {
      file,
      size: st.size,
      etag: `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
      type: TYPES[ext] ?? "application/octet-stream",
      // Content-hashed (Astro's bundles) or versioned (the reference bundle): never change under their name.
      immutable: urlPath.startsWith("/_astro/") || urlPath.startsWith("/_portico/scalar/"),
    });
  }
  return {
    dir,
    files,
    notFound: files.get("/404.html"),
    lookup(urlPath: string) {
      const direct = files.get(urlPath);
      if (direct) return direct;
      const trimmed = urlPath.endsWith("/") ? urlPath.slice(0, -1) : urlPath;
      return files.get(trimmed + "/index.html") ?? files.get(trimmed + ".html");
    },
  };
}

/**
 * A Response for a static file, honouring If-None-Match and HEAD. `extra`
 * headers are added last (the control listener marks pages that depend on
 * the caller's session).
 */
export function staticResponse(file: StaticFile, request: Request, status = 200, extra?: Record<string, string>): Response {
  const headers = new Headers({
    "content-type": file.type,
    etag: file.etag,
    "cache-control": file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ...extra,
  });
  if (status === 200 && request.headers.get("if-none-match") === file.etag) {
    return new Response(null, { status: 304, headers });
  }
  headers.set("content-length", String(file.size));
  if (request.method === "HEAD") return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(file.file)) as ReadableStream;
  return new Response(body, { status, headers });
}
