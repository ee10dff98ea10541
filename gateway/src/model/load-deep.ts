/**
 * `loadCatalog()` on a deep stack. Validating a definition dereferences it,
 * recursively, and definitions like Stripe's chain hundreds of distinct
 * schemas through `$ref`s before a cycle closes: on the main thread's stack
 * (about 1 MB) whether such a chain fits depended on how far V8 had
 * optimised the parser by then. A worker thread gets a stack of its own,
 * sized here, and the loaded catalog comes back by structured clone (the
 * catalog is plain data).
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { LoadResult } from "./catalog.ts";
import { loadCatalog, type LoadOptions } from "./loader.ts";

/** Stack of the loading thread: 64× the main thread's. */
const STACK_MB = 64;
const MARK = "portico.loadCatalog";

interface Job {
  [MARK]: true;
  contentDir: string;
  options: Pick<LoadOptions, "env" | "themesDir" | "cwd">;
}

export function loadCatalogDeep(contentDir: string, options: LoadOptions = {}): Promise<LoadResult> {
  // Policy schemas hold functions, which cannot cross to a worker: load here.
  if (options.policySchemas !== undefined) return loadCatalog(contentDir, options);
  const { env, themesDir, cwd } = options;
  const job: Job = { [MARK]: true, contentDir, options: { env, themesDir, cwd } };
  const worker = new Worker(new URL(import.meta.url), { workerData: job, resourceLimits: { stackSizeMb: STACK_MB } });
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.once("message", (result: LoadResult) => {
      settled = true;
      resolve(result);
    });
    worker.once("error", (error) => {
      settled = true;
      reject(error);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`the content loader stopped (exit code ${code}) before it finished`));
    });
  });
}

if (!isMainThread && (workerData as Partial<Job> | undefined)?.[MARK] === true) {
  const job = workerData as Job;
  parentPort!.postMessage(await loadCatalog(job.contentDir, job.options));
}
