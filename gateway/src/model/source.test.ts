import { describe, expect, it } from "vitest";
import { formatProblem } from "./problems.ts";
import { dottedPath, findFrontmatter, locate, parseYaml, textFile } from "./source.ts";

const API = [
  "title: Weather", //           1
  "versions:", //                2
  "  scheme: path", //           3
  "  list:", //                  4
  "    - id: v1", //             5
  "      backend: http://x", //  6
  "    - { id: v2, bakend: y }", // 7
  "",
].join("\n");

describe("locate", () => {
  const { source } = parseYaml(textFile("content/apis/weather/api.yaml", API));
  const at = (path: Array<string | number>, mode?: "value" | "key" | "container") => {
    const p = locate(source, path, mode);
    return `${p.line}:${p.column}`;
  };

  it("places a wrong value on the value", () => {
    expect(at(["title"])).toBe("1:8");
    expect(at(["versions", "scheme"])).toBe("3:11");
    expect(at(["versions", "list", 0, "backend"])).toBe("6:16");
    expect(at(["versions", "list", 1, "id"])).toBe("7:13");
  });

  it("places an unknown key on the key", () => {
    expect(at(["versions", "list", 1, "bakend"], "key")).toBe("7:17");
    expect(at(["versions", "scheme"], "key")).toBe("3:3");
  });

  it("places a missing key on the map that lacks it", () => {
    expect(at(["versions", "list", 0], "container")).toBe("5:7");
    expect(at(["versions", "list", 0, "openapi"])).toBe("5:7");
    expect(at(["versions", "default"])).toBe("3:3");
    expect(at([], "container")).toBe("1:1");
  });

  it("uses the key when a key has no value", () => {
    const { source: empty } = parseYaml(textFile("x.yaml", "a: 1\nb:\n"));
    expect(locate(empty, ["b"])).toEqual({ file: "x.yaml", line: 2, column: 1 });
  });

  it("prints paths with indices and quoted odd keys", () => {
    expect(dottedPath(["versions", "list", 1, "id"])).toBe("versions.list[1].id");
    expect(dottedPath(["paths", "/pets", "get", "on-error"])).toBe('paths["/pets"].get.on-error');
  });
});

describe("YAML syntax errors", () => {
  it("are problems at their line and column, and give no value", () => {
    const result = parseYaml(textFile("content/portal.yaml", "title: A\ntitle: B\n"));
    expect(result.value).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual(["content/portal.yaml:2:1: YAML syntax error: map keys must be unique"]);
    const tabs = parseYaml(textFile("content/portal.yaml", "title: [a, b\nfooter: x\n"));
    expect(tabs.problems.map(formatProblem)[0]).toMatch(/^content\/portal\.yaml:\d+:\d+: YAML syntax error: /);
  });
});

describe("frontmatter", () => {
  const page = "---\ntitle: Keys\ntitle: [\n---\nBody with [a link](./x.md).\n";

  it("is found at the top of the file and counted in the file's lines", () => {
    const file = textFile("content/docs/keys.md", page);
    const fence = findFrontmatter(file);
    expect(fence).toEqual({ yamlEnd: 25, bodyStart: 29 });
    const { problems } = parseYaml(file, { end: 25 });
    expect(problems.map(formatProblem)).toEqual([
      "content/docs/keys.md:3:1: YAML syntax error: map keys must be unique",
      "content/docs/keys.md:4:1: YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("keeps positions of values in the .md file", () => {
    const file = textFile("content/products/basic.md", "---\ntitle: Basic\nstate: x\n---\n");
    const { source } = parseYaml(file, { end: (findFrontmatter(file) as { yamlEnd: number }).yamlEnd });
    expect(locate(source, ["state"])).toEqual({ file: "content/products/basic.md", line: 3, column: 8 });
  });

  it("is absent when the file does not start with ---, and a problem when never closed", () => {
    expect(findFrontmatter(textFile("a.md", "# Title\n---\n"))).toBeNull();
    expect(findFrontmatter(textFile("a.md", "---\ntitle: x\n"))).toEqual({
      file: "a.md",
      line: 1,
      column: 1,
      message: "frontmatter is not closed: add a line with only '---' after the last key, before the page's markdown",
      severity: "error",
    });
    expect(findFrontmatter(textFile("a.md", "---\r\ntitle: x\r\n---\r\nbody"))).toEqual({ yamlEnd: 15, bodyStart: 20 });
  });
});
