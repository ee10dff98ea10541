import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblems, runValidate, type ValidateOptions } from "./validate.ts";
import { FIXTURES, ROOT, testPolicies, THEMES } from "./test-registry.ts";

async function run(dir: string, extra: ValidateOptions = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runValidate(dir, { policySchemas: testPolicies(), env: {}, cwd: ROOT, write: (line) => lines.push(line), ...extra });
  return { code, lines };
}

describe("runValidate", () => {
  it("prints a summary and exits 0 for valid content", async () => {
    expect(await run(path.join(FIXTURES, "content-min/content"))).toEqual({
      code: 0,
      lines: ["test/fixtures/content-min/content is valid: 2 APIs, 2 products, 2 docs pages"],
    });
  });

  it("prints every problem, then the counts, and exits 1 on errors", async () => {
    const { code, lines } = await run(path.join(FIXTURES, "content-broken/broken-link"), { themesDir: THEMES });
    expect(code).toBe(1);
    expect(lines).toEqual([
      "test/fixtures/content-broken/broken-link/docs/index.md:6:12: broken link './guides/key.md': there is no page docs/guides/key.md (did you mean './guides/keys.md'?)",
      "test/fixtures/content-broken/broken-link/docs/index.md:6:44: warning: link 'guides/keys.md#rotate': docs/guides/keys.md has no heading with the anchor '#rotate'; anchors: rotating-keys",
      "1 error, 1 warning in test/fixtures/content-broken/broken-link",
    ]);
  });

  it("prints paths relative to the working directory, as `portico validate content` run there would", async () => {
    const { lines } = await run("content", { cwd: path.join(FIXTURES, "content-broken/unknown-key"), themesDir: THEMES });
    expect(lines).toEqual(["content:1:1: content folder not found: give the folder that holds portal.yaml", "1 error in content"]);
    const inside = await run(".", { cwd: path.join(FIXTURES, "content-broken/missing-api"), themesDir: THEMES });
    expect(inside.lines).toEqual(["products/basic.md:5:16: unknown API 'wether'; APIs: status", "1 error in ."]);
  });

  it("counts warnings in a valid folder, and prints only problems when quiet", async () => {
    const valid = await run(path.join(FIXTURES, "content-openapi/content"));
    expect(valid).toEqual({ code: 0, lines: ["test/fixtures/content-openapi/content is valid: 5 APIs, 0 products, 0 docs pages"] });
    const quiet = await run(path.join(FIXTURES, "content-broken/missing-api"), { themesDir: THEMES, quiet: true });
    expect(quiet).toEqual({ code: 1, lines: ["test/fixtures/content-broken/missing-api/products/basic.md:5:16: unknown API 'wether'; APIs: status"] });
  });
});

describe("formatProblems", () => {
  it("sorts by file, line and column and prints one per line", () => {
    expect(
      formatProblems([
        { file: "content/b.yaml", line: 1, column: 1, message: "second file", severity: "error" },
        { file: "content/a.yaml", line: 10, column: 2, message: "later", severity: "warning" },
        { file: "content/a.yaml", line: 2, column: 5, message: "first", severity: "error", path: "x" },
      ]),
    ).toBe("content/a.yaml:2:5: first\ncontent/a.yaml:10:2: warning: later\ncontent/b.yaml:1:1: second file");
  });
});
