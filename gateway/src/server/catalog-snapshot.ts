/**
 * The validated catalog, handed from the build's validation step to its
 * Astro builds as one file, so that a large definition is parsed, bundled
 * and dereferenced once per build instead of once per Astro process (the
 * public portal and every restricted audience), and so that the service
 * never holds it: validation runs in a child process of its own
 * (`node catalog-snapshot.ts <content> <themes> <file>`), whose memory goes
 * when it exits.
 *
 * The file is V8's structured serialization of the loader's result, keyed by
 * the content and themes folders it was made from; a reader with other
 * folders ignores it and loads the content itself.
 */
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { Catalog, Problem } from "../model/catalog.ts";
import { planAudiences, type AudiencePlan } from "./audiences.ts";

/** Where an Astro build finds the snapshot. */
export const SNAPSHOT_ENV = "PORTICO_CATALOG_SNAPSHOT";

interface Snapshot {
  contentDir: string;
  themesDir: string;
  catalog: Catalog;
  problems: Problem[];
}

/** The catalog of `contentDir` and `themesDir` from `file`, or undefined when the file is of other folders (or unreadable). */
export function readCatalogSnapshot(file: string, contentDir: string, themesDir: string): { catalog: Catalog; problems: Problem[] } | undefined {
  let snapshot: Snapshot;
  try {
    snapshot = deserialize(readFileSync(file)) as Snapshot;
  } catch {
    return undefined;
  }
  if (snapshot.contentDir !== path.resolve(contentDir) || snapshot.themesDir !== path.resolve(themesDir)) return undefined;
  return { catalog: snapshot.catalog, problems: snapshot.problems };
}

export interface ValidationOutcome {
  ok: boolean;
  /** Every problem, formatted (`file:line:column: message`), or "" when there are none. */
  report: string;
  errors: number;
  plan: AudiencePlan;
}

/** Validates the content and, when it has no errors, writes the snapshot to `file` and `file.json` (the outcome). */
export async function writeCatalogSnapshot(contentDir: string, themesDir: string, file: string): Promise<ValidationOutcome> {
  // Imported here, not above: the service imports this module for SNAPSHOT_ENV and must not load the content model with it.
  const [{ loadCatalogDeep }, { formatProblems }] = await Promise.all([import("../model/load-deep.ts"), import("../model/validate.ts")]);
  const loaded = await loadCatalogDeep(contentDir, { themesDir });
  const errors = loaded.problems.filter((p) => p.severity === "error").length;
  const report = loaded.problems.length > 0 ? formatProblems(loaded.problems) : "";
  const outcome: ValidationOutcome = { ok: errors === 0 && loaded.catalog !== undefined, report, errors, plan: { audiences: [] } };
  if (outcome.ok && loaded.catalog) {
    outcome.plan = planAudiences(loaded.catalog);
    const snapshot: Snapshot = { contentDir: path.resolve(contentDir), themesDir: path.resolve(themesDir), catalog: loaded.catalog, problems: loaded.problems };
    await writeFile(file, serialize(snapshot));
  }
  await writeFile(`${file}.json`, JSON.stringify(outcome));
  return outcome;
}

if (import.meta.main) {
  const [contentDir, themesDir, file] = process.argv.slice(2);
  if (!contentDir || !themesDir || !file) {
    process.stderr.write("usage: catalog-snapshot.ts <content folder> <themes folder> <snapshot file>\n");
    process.exit(2);
  }
  const outcome = await writeCatalogSnapshot(contentDir, themesDir, file);
  process.exit(outcome.ok ? 0 : 1);
}
