import { describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";

// Behaviour is tested with cache-lookup (cache-lookup/index.test.ts): the two only work together.
describe("cache-store options", () => {
  it("needs a duration and bounds what it keeps", () => {
    const schema = policyOptionSchemas["cache-store"]!;
    expect(schema.parse({ duration: 60 })).toEqual({ duration: 60, statuses: [200], maxSize: 1_048_576 });
    expect(schema.safeParse({}).error?.issues.map((i) => [i.path.join("."), i.code])).toEqual([["duration", "invalid_type"]]);
    expect(schema.safeParse({ duration: 60, maxSize: 64 * 1024 * 1024 }).error?.issues.map((i) => i.path.join("."))).toEqual(["maxSize"]);
  });
});
