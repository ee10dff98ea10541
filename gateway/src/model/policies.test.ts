import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { policyOptionSchemas, registerPolicySchema } from "../policies/schemas.ts";
import { resolvePolicyDocument } from "./policies.ts";
import { formatProblem } from "./problems.ts";
import { parseYaml, textFile } from "./source.ts";
import { testPolicies } from "./test-registry.ts";

function resolve(text: string, registry = testPolicies()) {
  const parsed = parseYaml(textFile("content/policies/global.yaml", text), { env: {} });
  return resolvePolicyDocument(parsed.value, parsed.source, [], registry);
}

describe("registerPolicySchema", () => {
  it("adds a schema to the given registry and returns it unchanged", () => {
    const registry: Record<string, z.ZodType> = {};
    const schema = z.strictObject({ origins: z.array(z.string()).default(["*"]) });
    expect(registerPolicySchema("cors", schema, registry)).toBe(schema);
    expect(registry).toEqual({ cors: schema });
  });

  it("refuses malformed, reserved and repeated names at startup", () => {
    const registry: Record<string, z.ZodType> = { cors: z.strictObject({}) };
    expect(() => registerPolicySchema("Rate_Limit", z.strictObject({}), registry)).toThrow(
      new ConfigError(`policy name "Rate_Limit" must be lowercase words joined by '-' (e.g. rate-limit)`),
    );
    expect(() => registerPolicySchema("base", z.strictObject({}), registry)).toThrow(ConfigError);
    expect(() => registerPolicySchema("cors", z.strictObject({}), registry)).toThrow(
      new ConfigError(`policy "cors" is registered twice: each policy has one options schema`),
    );
  });

  it("is the loader's default registry", () => {
    expect(typeof policyOptionSchemas).toBe("object");
  });
});

describe("resolvePolicyDocument", () => {
  it("keeps entries in order with their validated options and positions", () => {
    const { document, problems } = resolve(
      "inbound:\n  - set-header: { name: X-A, value: b }\n  - base\n  - rate-limit:\n      calls: 2\n      renewalPeriod: 1\non-error:\n  - set-header: { name: X-Error, value: '1', exists: skip }\n",
    );
    expect(problems).toEqual([]);
    expect(document).toEqual({
      inbound: [
        { kind: "policy", name: "set-header", options: { name: "X-A", value: "b", exists: "override" }, at: { file: "content/policies/global.yaml", line: 2, column: 5 } },
        { kind: "base", at: { file: "content/policies/global.yaml", line: 3, column: 5 } },
        { kind: "policy", name: "rate-limit", options: { calls: 2, renewalPeriod: 1 }, at: { file: "content/policies/global.yaml", line: 4, column: 5 } },
      ],
      backend: [],
      outbound: [],
      "on-error": [{ kind: "policy", name: "set-header", options: { name: "X-Error", value: "1", exists: "skip" }, at: { file: "content/policies/global.yaml", line: 8, column: 5 } }],
    });
  });

  it("treats a policy written without options as {}", () => {
    const registry: Record<string, z.ZodType> = {};
    registerPolicySchema("cors", z.strictObject({ origins: z.array(z.string()).default(["*"]) }), registry);
    expect(resolve("inbound:\n  - cors:\n", registry).document.inbound).toMatchObject([{ name: "cors", options: { origins: ["*"] } }]);
  });

  it("reports unknown policies, option problems and a second base together", () => {
    const { problems } = resolve(
      "inbound:\n  - base\n  - rate-limit: { calls: 0, renewalPeriod: 10 }\n  - set-heder: { name: a, value: b }\n  - base\n",
    );
    expect(problems.map(formatProblem)).toEqual([
      "content/policies/global.yaml:3:26: inbound[1].rate-limit.calls must be at least 1, not 0",
      "content/policies/global.yaml:4:5: unknown policy 'set-heder' (did you mean 'set-header'?); known policies: rate-limit, set-header",
      "content/policies/global.yaml:5:5: inbound[3] is a second 'base' in inbound (the first is inbound[0]): keep only one",
    ]);
  });

  it("says when no policies are registered at all", () => {
    expect(resolve("inbound:\n  - quota: {}\n", {}).problems.map(formatProblem)).toEqual([
      "content/policies/global.yaml:2:5: unknown policy 'quota': this build has no policies registered",
    ]);
  });

  it("skips entries whose structure the file's schema reports", () => {
    expect(resolve("inbound:\n  - 42\n  - [a]\n  - { a: {}, b: {} }\n").problems).toEqual([]);
  });
});
