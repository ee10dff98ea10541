import { afterEach, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("rewrite-uri", () => {
  it("fills path parameters and query parameters into the template, encoded, and copies the others", async () => {
    gw = await startPolicyGateway({ operations: { getItem: { inbound: [{ "rewrite-uri": { template: "/v2/catalog/{id}/detail?lang={lang}" } }] } } });
    const res = await gw.call("/shop/items/a%20b?lang=de&x=1&subscription-key=key-a");
    expect(res.json().url).toBe("/v2/catalog/a%20b/detail?lang=de&x=1");
  });

  it("drops the call's other parameters with copyUnmatchedParams: false, and leaves missing placeholders empty", async () => {
    gw = await startPolicyGateway({ operations: { getItem: { inbound: [{ "rewrite-uri": { template: "/find?item={id}&region={region}", copyUnmatchedParams: false } }] } } });
    expect((await gw.call("/shop/items/42?x=1")).json().url).toBe("/find?item=42&region=");
  });

  it("refuses templates that do not start with / or have broken placeholders", () => {
    const schema = policyOptionSchemas["rewrite-uri"]!;
    const messages = (template: string) => schema.safeParse({ template }).error?.issues.map((i) => i.message);
    expect(messages("items/{id}")).toEqual(["must start with '/': it is the path after the backend's base URL"]);
    expect(messages("/items/{id")).toEqual(["has an unbalanced '{' or '}'"]);
    expect(messages("/items/{ id }")).toEqual(["has a placeholder '{ id }' that is not a parameter name", "must not contain spaces; encode them as %20"]);
  });
});
