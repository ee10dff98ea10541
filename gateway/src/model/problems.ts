/**
 * Problems: what `portico validate` prints, one per line, as
 * `file:line:column: message`. Everything in the model reports through these
 * helpers so that the wording ("did you mean …", lists of allowed values) is
 * the same whichever file or check found the problem.
 */
import type { Problem, SourcePosition } from "./catalog.ts";

export type Severity = Problem["severity"];

export function problemAt(
  at: SourcePosition,
  message: string,
  options: { path?: string; severity?: Severity } = {},
): Problem {
  const problem: Problem = {
    file: at.file,
    line: at.line,
    column: at.column,
    message,
    severity: options.severity ?? "error",
  };
  if (options.path !== undefined && options.path !== "") problem.path = options.path;
  return problem;
}

/** The first character of a file: for problems about the file as a whole. */
export function startOf(file: string): SourcePosition {
  return { file, line: 1, column: 1 };
}

/** `file:line:column: message`, with `warning: ` before warnings' messages. */
export function formatProblem(problem: Problem): string {
  const prefix = problem.severity === "warning" ? "warning: " : "";
  return `${problem.file}:${problem.line}:${problem.column}: ${prefix}${problem.message}`;
}

/**
 * Problems in reading order: by file, then line, then column. Files sort by
 * plain string order so that the output is the same on every machine.
 */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === "error");
}

/** Damerau-free Levenshtein distance; names here are short, so O(n·m) is fine. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input`, when it is close enough to be a likely
 * typo: at most a third of the longer name differs (so `subscriptionLimit`
 * finds `subscriptionsLimit` but `foo` does not find `footer`). Case is
 * ignored, since `SubscriptionsLimit` is the same mistake.
 */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const needle = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(needle.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** ` (did you mean 'x'?)`, or nothing when no candidate is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const suggestion = closest(input, candidates);
  return suggestion === undefined ? "" : ` (did you mean '${suggestion}'?)`;
}

/** `a, b, c` — or `a, b, … (12 more)` when the list is too long to read in one line. */
export function listOf(items: readonly string[], max = 12): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")}, … (${items.length - max} more)`;
}

/** `1 error`, `2 errors`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A value as it would appear in a message: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value);
  else if (value === undefined) text = "nothing";
  else if (value === null) text = "null";
  else if (typeof value === "object") text = Array.isArray(value) ? "a list" : "a map";
  else text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * The kind of a parsed YAML value in publisher's words: YAML has maps and
 * lists, not objects and arrays.
 */
export function kindOf(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") return `the string ${showValue(value)}`;
  if (typeof value === "number") return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  return typeof value;
}

/** A type named by zod or JSON Schema (`object`, `array`, `int`), in publisher's words. */
export function expectedText(expected: string): string {
  switch (expected) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
    case "integer":
      return "a whole number";
    case "boolean":
      return "true or false";
    case "object":
    case "record":
      return "a map (key: value lines)";
    case "array":
      return "a list";
    case "null":
      return "empty (null)";
    default:
      return expected;
  }
}
