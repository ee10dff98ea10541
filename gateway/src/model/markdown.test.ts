import { describe, expect, it } from "vitest";
import { anchorsOf, findLinks, slugify } from "./markdown.ts";

describe("findLinks", () => {
  it("finds inline links and definitions, with the offset of the target", () => {
    const text = "---\ntitle: x\n---\nSee [keys](./keys.md#rotate) and [guide]( <../a b.md> \"Guide\").\n\n[ref]: ./ref.md\n";
    const links = findLinks(text, 16);
    expect(links.map((l) => [l.target, text.slice(l.offset, l.offset + l.target.length)])).toEqual([
      ["./keys.md#rotate", "./keys.md#rotate"],
      ["../a b.md", "../a b.md"],
      ["./ref.md", "./ref.md"],
    ]);
  });

  it("skips images, code spans and fenced code", () => {
    const text = "![logo](./logo.md) `[x](./code.md)`\n```md\n[y](./fenced.md)\n```\n~~~\n[z](./tilde.md)\n~~~\n[w](./real.md)\n";
    expect(findLinks(text, 0).map((l) => l.target)).toEqual(["./real.md"]);
  });
});

describe("anchors", () => {
  it("slugs headings as the renderer does", () => {
    expect(slugify("Rotating keys")).toBe("rotating-keys");
    expect(slugify("What's new in v2.1?")).toBe("whats-new-in-v21");
    expect(slugify("Über uns")).toBe("über-uns");
  });

  it("collects ATX and setext headings, numbers repeats, and reads HTML ids", () => {
    const text = "# Keys\n\n## The `primary` *key*\n\nKeys\n----\n\n<a id=\"legacy\"></a>\n\n```\n# not a heading\n```\n";
    expect([...anchorsOf(text, 0)]).toEqual(["keys", "the-primary-key", "keys-1", "legacy"]);
  });
});
