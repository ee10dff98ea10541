import { describe, expect, it } from "vitest";
import { substituteEnv } from "./env.ts";
import { formatProblem } from "./problems.ts";
import { parseYaml, textFile } from "./source.ts";

describe("substituteEnv", () => {
  const env = { HOST: "api.example.com", EMPTY: "", PORT: "8443" };

  it("substitutes names and defaults, shell style", () => {
    expect(substituteEnv("https://${HOST}:${PORT}/x", env)).toEqual({ value: "https://api.example.com:8443/x", changed: true, issues: [] });
    expect(substituteEnv("${MISSING:-fallback}", env).value).toBe("fallback");
    // `:-` also applies to a variable set to the empty string
    expect(substituteEnv("${EMPTY:-fallback}", env).value).toBe("fallback");
    expect(substituteEnv("[${EMPTY}]", env).value).toBe("[]");
    expect(substituteEnv("${MISSING:-}", env).value).toBe("");
    expect(substituteEnv("${MISSING:-a:-b}", env).value).toBe("a:-b");
  });

  it("leaves strings without references alone, and writes $${ as a literal ${", () => {
    expect(substituteEnv("costs $5", env)).toEqual({ value: "costs $5", changed: false, issues: [] });
    expect(substituteEnv("$${HOST} is ${HOST}", env).value).toBe("${HOST} is api.example.com");
    expect(substituteEnv("a $ b $${", env).value).toBe("a $ b ${");
  });

  it("reports unset variables, bad names and unclosed references by index", () => {
    expect(substituteEnv("${HOST}${NOPE}", env).issues).toEqual([
      { index: 1, message: "environment variable NOPE is not set: set it, or give a default with ${NOPE:-default}" },
    ]);
    expect(substituteEnv("${1X}", env).issues).toEqual([
      {
        index: 0,
        message: "'${1X}' is not a variable reference: names are letters, digits and '_' (e.g. ${BACKEND_URL} or ${PORT:-8090}); write $${ for a literal '${'",
      },
    ]);
    expect(substituteEnv("x ${HOST", env).issues).toEqual([
      { index: 0, message: "'${' is not closed by '}': write ${NAME} or ${NAME:-default}, or $${ for a literal '${'" },
    ]);
  });
});

describe("substitution in YAML", () => {
  function parse(text: string, env: Record<string, string>) {
    return parseYaml(textFile("content/api.yaml", text), { env });
  }

  it("applies to string values in maps and lists, not to keys", () => {
    const { value, problems } = parse("${KEY}: a\nlist:\n  - ${A}\n  - 'q ${A}'\nblock: |\n  line ${A}\n", { KEY: "k", A: "x" });
    expect(problems).toEqual([]);
    expect(value).toEqual({ "${KEY}": "a", list: ["x", "q x"], block: "line x\n" });
  });

  it("reads an unquoted value the way YAML would after substitution; quoted values stay strings", () => {
    const { value } = parse('limit: ${LIMIT:-5}\nratio: ${R:-0.5}\nflag: ${F:-true}\nnone: ${N:-null}\nquoted: "${LIMIT:-5}"\nword: ${W:-five}\n', {});
    expect(value).toEqual({ limit: 5, ratio: 0.5, flag: true, none: null, quoted: "5", word: "five" });
  });

  it("places a problem on the ${ of the reference, in any scalar style", () => {
    const { problems } = parse('a: "x ${ONE}"\nb: |\n  text\n  and ${TWO}\nc: $${THREE} ${THREE}\n', {});
    expect(problems.map(formatProblem)).toEqual([
      "content/api.yaml:1:7: environment variable ONE is not set: set it, or give a default with ${ONE:-default}",
      "content/api.yaml:4:7: environment variable TWO is not set: set it, or give a default with ${TWO:-default}",
      "content/api.yaml:5:14: environment variable THREE is not set: set it, or give a default with ${THREE:-default}",
    ]);
  });

  it("marks a value whose substitution failed, so schema problems there are not reported twice", () => {
    const { source } = parse("backend: http://${HOST}/x\n", {});
    expect([...source.tainted]).toEqual(["1:10"]);
  });
});
