/**
 * Just enough markdown for checking content: the relative links a page makes
 * to other pages, and the anchors its headings get. Code (fenced blocks and
 * inline spans) is skipped, so an example link inside a code sample is not
 * checked. Offsets are into the whole file, for line:column positions.
 */

export interface MarkdownLink {
  /** The link target as written, e.g. `../guides/keys.md#rotate`. */
  target: string;
  /** Offset of the target in the file. */
  offset: number;
}

/** Offsets of the lines of `text[start..]`, with fenced code blocks left out. */
function proseLines(text: string, start: number): Array<{ line: string; offset: number }> {
  const lines: Array<{ line: string; offset: number }> = [];
  let fence: string | null = null;
  let offset = start;
  while (offset <= text.length) {
    const end = text.indexOf("\n", offset);
    const line = text.slice(offset, end === -1 ? text.length : end).replace(/\r$/, "");
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
    } else if (marker !== undefined) {
      fence = marker;
    } else {
      lines.push({ line, offset });
    }
    if (end === -1) break;
    offset = end + 1;
  }
  return lines;
}

/** Inline code spans replaced by spaces, so offsets stay where they were. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, (span) => " ".repeat(span.length));
}

const INLINE_LINK = /(!?)\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>\n]*>|[^)\s]+)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const DEFINITION = /^ {0,3}\[[^\]]+\]:\s*(<[^>\n]*>|\S+)/;

/** Inline links and link reference definitions in the body that starts at `start`. */
export function findLinks(text: string, start: number): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { line: rawLine, offset } of proseLines(text, start)) {
    const line = withoutCodeSpans(rawLine);
    for (const match of line.matchAll(INLINE_LINK)) {
      if (match[1] === "!") continue; // images point at files, not pages
      const written = match[2]!;
      const at = offset + match.index + match[0].indexOf(written, match[0].indexOf("]("));
      links.push({ target: unwrap(written), offset: written.startsWith("<") ? at + 1 : at });
    }
    const definition = DEFINITION.exec(line);
    if (definition !== null) {
      const written = definition[1]!;
      const at = offset + definition.index + definition[0].lastIndexOf(written);
      links.push({ target: unwrap(written), offset: written.startsWith("<") ? at + 1 : at });
    }
  }
  return links;
}

function unwrap(target: string): string {
  return target.startsWith("<") && target.endsWith(">") ? target.slice(1, -1) : target;
}

/**
 * The anchor a heading gets, as GitHub and the portal's markdown renderer
 * (github-slugger) make it: lower case, punctuation dropped, spaces to `-`.
 */
export function slugify(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** A heading's text content: the markdown syntax inside it removed, as the renderer sees it. */
function headingText(raw: string): string {
  return raw
    .replace(/\s+#+\s*$/, "")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1/g, "$2")
    .replace(/<[^>]+>/g, "")
    .trim();
}

/**
 * Every anchor a page has: its headings' slugs (repeats numbered `-1`,
 * `-2`, as the renderer does) and any `id="…"` written in HTML.
 */
export function anchorsOf(text: string, start: number): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  const add = (heading: string) => {
    const base = slugify(headingText(heading));
    const seen = counts.get(base);
    counts.set(base, (seen ?? -1) + 1);
    anchors.add(seen === undefined ? base : `${base}-${seen + 1}`);
  };
  const lines = proseLines(text, start);
  lines.forEach(({ line }, index) => {
    const atx = /^ {0,3}#{1,6}(?:\s+(.*))?$/.exec(line);
    if (atx !== null) {
      add(atx[1] ?? "");
    } else if (/^ {0,3}(?:=+|-+)\s*$/.test(line) && index > 0) {
      const previous = lines[index - 1]!.line;
      // A setext underline only makes a heading of a paragraph line right above it.
      if (previous.trim() !== "" && !/^ {0,3}(?:#|[-*+]\s|>|\d+[.)]\s)/.test(previous)) add(previous.trim());
    }
    for (const id of withoutCodeSpans(line).matchAll(/\bid=["']([^"']+)["']/g)) anchors.add(id[1]!);
  });
  return anchors;
}
