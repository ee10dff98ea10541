/**
 * `portico validate <dir>`: every problem in a content folder, one per line
 * as `file:line:column: message`, then a one-line summary; exit code 1 when
 * any problem is an error, so a publisher's CI can gate on it.
 */
import path from "node:path";
import type { Problem } from "./catalog.ts";
import { loadCatalogDeep } from "./load-deep.ts";
import type { LoadOptions } from "./loader.ts";
import { formatProblem, plural, sortProblems } from "./problems.ts";

/** Every problem, one per line, in file and line order (no trailing newline). */
export function formatProblems(problems: readonly Problem[]): string {
  return sortProblems(problems).map(formatProblem).join("\n");
}

export interface ValidateOptions extends LoadOptions {
  /** Print only the problems, without the summary line. */
  quiet?: boolean;
  /** Where lines go; default standard output. */
  write?: (line: string) => void;
}

/** Validates `dir`, prints the problems and a summary, and returns the exit code. */
export async function runValidate(dir: string, options: ValidateOptions = {}): Promise<number> {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const { quiet, write: _write, ...loadOptions } = options;
  const result = await loadCatalogDeep(dir, loadOptions);
  const problems = sortProblems(result.problems);
  for (const problem of problems) write(formatProblem(problem));
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  if (!quiet) {
    const cwd = path.resolve(options.cwd ?? process.cwd());
    const shown = path.relative(cwd, path.resolve(cwd, dir)).split(path.sep).join("/") || ".";
    if (errors > 0 || result.catalog === undefined) {
      const parts = [plural(errors, "error")];
      if (warnings > 0) parts.push(plural(warnings, "warning"));
      write(`${parts.join(", ")} in ${shown}`);
    } else {
      const { catalog } = result;
      const counts = [
        plural(Object.keys(catalog.apis).length, "API"),
        plural(Object.keys(catalog.products).length, "product"),
        plural(catalog.docs.length, "docs page"),
      ].join(", ");
      write(`${shown} is valid${warnings > 0 ? ` with ${plural(warnings, "warning")}` : ""}: ${counts}`);
    }
  }
  return errors > 0 || result.catalog === undefined ? 1 : 0;
}
