/**
 * A file's text with the index that turns character offsets into the
 * 1-based line and column printed in problems.
 */
import { LineCounter } from "yaml";
import type { SourcePosition } from "./catalog.ts";

/** A file's text and the index that turns offsets into 1-based line and column. */
export interface TextFile {
  /** The path printed in problems. */
  file: string;
  text: string;
  lines: LineCounter;
}

export function textFile(file: string, text: string): TextFile {
  // One LineCounter over the whole file, filled here rather than by the YAML
  // parser: frontmatter is parsed from a prefix of a markdown file, and links
  // in the body need the same line numbers.
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lines.addNewLine(i + 1);
  return { file, text, lines };
}

export function positionAt(source: TextFile, offset: number): SourcePosition {
  const { line, col } = source.lines.linePos(Math.max(0, Math.min(offset, source.text.length)));
  return { file: source.file, line: Math.max(1, line), column: Math.max(1, col) };
}
