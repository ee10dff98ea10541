import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("set-variable", () => {
  it("stores literals and expression values for later expressions, across sections", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [
          { "set-variable": { name: "limit", value: 3 } },
          { "set-variable": { name: "label", value: "tier" } },
          { "set-variable": { name: "mobile", value: { expr: 'request.headers[?"user-agent"].orValue("").contains("Mobile")' } } },
          { "set-header": { name: "X-Vars", value: { expr: 'vars.label + ":" + string(vars.limit + 1) + ":" + string(vars.mobile)' } } },
        ],
        outbound: [{ "set-header": { name: "X-Has", value: { expr: 'string(has(vars.mobile)) + "/" + string(has(vars.unset))' } } }],
      },
    });
    const res = await gw.call("/shop/items", { headers: { "user-agent": "Phone Mobile/1" } });
    expect(res.json().headers["x-vars"]).toBe("tier:4:true");
    expect(res.headers["x-has"]).toBe("true/false");
  });
});
