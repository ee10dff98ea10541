/**
 * A product's terms (markdown from the API) as readable text: paragraphs and
 * numbered or bulleted lists, soft line breaks joined, emphasis markers and
 * link targets dropped. Terms are plain prose; this is not a markdown
 * renderer and never produces HTML from the text.
 */
type Block = { kind: "p"; text: string } | { kind: "ol" | "ul"; items: string[] };

const ITEM = /^\s*(\d+[.)]|[-*+])\s+/;

function inline(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__|`)/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function termsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of markdown.replace(/\r\n?/g, "\n").split(/\n\s*\n/)) {
    const lines = chunk.split("\n").filter((l) => l.trim() !== "");
    if (lines.length === 0) continue;
    if (!ITEM.test(lines[0]!)) {
      blocks.push({ kind: "p", text: inline(lines.join(" ").replace(/^#+\s*/, "")) });
      continue;
    }
    const kind = /^\s*\d/.test(lines[0]!) ? "ol" : "ul";
    const items: string[] = [];
    for (const line of lines) {
      if (ITEM.test(line)) items.push(line.replace(ITEM, ""));
      else if (items.length > 0) items[items.length - 1] += ` ${line}`;
    }
    const last = blocks.at(-1);
    if (last && last.kind === kind) last.items.push(...items.map(inline));
    else blocks.push({ kind, items: items.map(inline) });
  }
  return blocks;
}

export function Terms({ markdown }: { markdown: string }) {
  return (
    <>
      {termsBlocks(markdown).map((b, i) =>
        b.kind === "p" ? (
          <p key={i}>{b.text}</p>
        ) : b.kind === "ol" ? (
          <ol key={i}>
            {b.items.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ol>
        ) : (
          <ul key={i}>
            {b.items.map((item, j) => (
              <li key={j}>{item}</li>
            ))}
          </ul>
        ),
      )}
    </>
  );
}
