import { describe, expect, it } from "vitest";
import { MemoryCounterStore } from "../counters/memory.ts";
import { api, catalog, op, product, version } from "../gateway/test-catalog.ts";
import { silentLogger } from "../log.ts";
import type { PolicyDocument } from "../model/catalog.ts";
import { resolvePolicyDocument } from "../model/policies.ts";
import { formatProblem } from "../model/problems.ts";
import { parseYaml, textFile } from "../model/source.ts";
import { compilePolicies } from "./compile.ts";
import { celContextDocs, policyDocs } from "./docs.ts";
import { POLICY_DEFINITIONS } from "./index.ts";
import { policyOptionSchemas } from "./schemas.ts";

const docs = policyDocs();

describe("policy docs", () => {
  it("cover every registered policy, and every registered policy has a handler", () => {
    const names = docs.map((d) => d.name).sort();
    expect(names).toEqual(Object.keys(policyOptionSchemas).sort());
    expect(names).toEqual([...POLICY_DEFINITIONS.keys()].sort());
    expect(names).toHaveLength(24);
  });

  it("list policies by priority: cors, then authentication, then limits, then transformations", () => {
    expect(docs.slice(0, 4).map((d) => d.name)).toEqual(["cors", "ip-filter", "validate-jwt", "check-header"]);
    expect(docs.at(-1)!.name).toBe("cache-store");
  });

  it("describe every option with its type, requiredness and default", () => {
    for (const doc of docs) {
      expect([doc.name, doc.summary.length > 10, doc.description.length > 40]).toEqual([doc.name, true, true]);
      for (const option of doc.options) expect([doc.name, option.name, option.description !== ""]).toEqual([doc.name, option.name, true]);
    }
    const rateLimit = docs.find((d) => d.name === "rate-limit-by-key")!;
    expect(rateLimit.options).toContainEqual({ name: "counterKey", type: "CEL expression", required: true, description: expect.stringContaining("A CEL expression") });
    expect(rateLimit.options).toContainEqual({ name: "incrementCondition", type: "CEL condition", required: false, description: expect.any(String) });
    expect(rateLimit.options).toContainEqual({ name: "onStoreError", type: "allow | deny", required: false, default: "allow", description: expect.any(String) });
    const jwt = docs.find((d) => d.name === "validate-jwt")!;
    expect(jwt.options.map((o) => o.name)).toContain("requiredClaims[].values");
    expect(docs.find((d) => d.name === "set-header")!.options.find((o) => o.name === "value")!.type).toBe("string or { expr: CEL }");
    expect(docs.find((d) => d.name === "check-header")!.options.find((o) => o.name === "failedStatusCode")).toMatchObject({ type: "400 | 401 | 403 | 404", default: 401 });
  });

  it("have examples that validate against their own schemas and compile in the sections they use", () => {
    for (const doc of docs) {
      const parsed = parseYaml(textFile(`docs/${doc.name}.yaml`, doc.example), { env: {} });
      expect([doc.name, parsed.problems.map(formatProblem)]).toEqual([doc.name, []]);
      const value = parsed.value as Record<string, unknown>;
      const { operations, ...apiScope } = value;
      const resolved = resolvePolicyDocument(apiScope, parsed.source, [], policyOptionSchemas);
      const ops: Record<string, PolicyDocument> = {};
      const problems = [...resolved.problems];
      for (const [id, raw] of Object.entries((operations ?? {}) as Record<string, unknown>)) {
        const r = resolvePolicyDocument(raw, parsed.source, ["operations", id], policyOptionSchemas);
        problems.push(...r.problems);
        ops[id] = r.document;
      }
      expect([doc.name, problems.map(formatProblem)]).toEqual([doc.name, []]);
      // The example uses its policy (perhaps inside choose).
      expect([doc.name, doc.example.includes(`- ${doc.name}:`)]).toEqual([doc.name, true]);
      const operations_ = [op("get", "/a", "a"), ...Object.keys(ops).map((id) => op("post", `/${id}`, id))];
      const shop = api("shop", "/shop", [version("", "http://127.0.0.1:1", operations_)], { policies: { api: resolved.document, operations: ops } });
      const env = { counters: new MemoryCounterStore(), logger: silentLogger, now: Date.now, sleep: async () => {}, portalUrl: () => undefined, stats: { storeErrorsAllowed: 0, storeErrorsDenied: 0, expressionErrors: 0 }, shared: new Map() };
      expect(() => compilePolicies(catalog([shop], [product("gold", ["shop"])]), env, POLICY_DEFINITIONS)).not.toThrow();
      void env.counters.close();
    }
  });

  it("document the CEL context", () => {
    expect(celContextDocs().map((v) => v.name)).toEqual(["request", "response", "subscription", "user", "product", "api", "operation", "jwt", "vars", "lastError"]);
  });
});
