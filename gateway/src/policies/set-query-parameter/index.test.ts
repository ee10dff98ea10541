import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("set-query-parameter", () => {
  it("overrides, skips, appends and deletes, keeping other parameters byte for byte", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [
          { "set-query-parameter": { name: "units", value: "metric" } },
          { "set-query-parameter": { name: "lang", value: "de", exists: "skip" } },
          { "set-query-parameter": { name: "tag", value: "b c", exists: "append" } },
          { "set-query-parameter": { name: "debug", exists: "delete" } },
          { "set-query-parameter": { name: "who", value: { expr: "subscription.id" } } },
        ],
      },
    });
    const res = await gw.call("/shop/items?b=%2F&units=imperial&lang=en&debug=1&tag=a&units=x");
    expect(res.json().url).toBe("/items?b=%2F&lang=en&tag=a&units=metric&tag=b%20c&who=sub-a");
  });
});
