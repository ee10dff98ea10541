import { afterEach, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("set-header", () => {
  it("overrides, skips, appends and deletes request headers, with literal and CEL values", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [
          { "set-header": { name: "X-Override", value: "new" } },
          { "set-header": { name: "X-Skip", value: "new", exists: "skip" } },
          { "set-header": { name: "X-Added", value: "new", exists: "skip" } },
          { "set-header": { name: "X-Append", value: "second", exists: "append" } },
          { "set-header": { name: "X-Delete", exists: "delete" } },
          { "set-header": { name: "X-Caller", value: { expr: 'subscription.id + "@" + request.ip + " " + request.method + " " + operation.id' } } },
        ],
      },
    });
    const res = await gw.call("/shop/items", { headers: { "x-override": "old", "x-skip": "old", "x-append": "first", "x-delete": "gone" } });
    const h = res.json().headers;
    expect([h["x-override"], h["x-skip"], h["x-added"], h["x-append"], h["x-delete"], h["x-caller"]]).toEqual(["new", "old", "new", "first, second", undefined, "sub-a@127.0.0.1 GET listItems"]);
  });

  it("changes the answer's headers in outbound and the error answer's in on-error", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [{ "check-header": { name: "X-Fail", values: ["no"] } }],
        outbound: [{ "set-header": { name: "X-Powered-By", value: "Portico" } }],
        "on-error": [{ "set-header": { name: "Cache-Control", value: "no-cache" } }],
      },
    });
    const ok = await gw.call("/shop/items", { headers: { "x-fail": "no" } });
    expect([ok.status, ok.headers["x-powered-by"]]).toEqual([200, "Portico"]);
    const refused = await gw.call("/shop/items", { headers: { "x-fail": "yes" } });
    expect([refused.status, refused.headers["cache-control"], refused.headers["x-powered-by"]]).toEqual([401, "no-cache", undefined]);
  });

  it("refuses headers that frame the message, a value with delete, and a missing value", () => {
    const schema = policyOptionSchemas["set-header"]!;
    const messages = (o: unknown) => schema.safeParse(o).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages({ name: "Content-Length", value: "1" })).toEqual(["name: names a header the gateway manages itself ('Content-Length'); it cannot be set by a policy"]);
    expect(messages({ name: "X-A", value: "1", exists: "delete" })).toEqual(["value: is not used with exists: delete; remove it"]);
    expect(messages({ name: "X-A" })).toEqual([": missing required key 'value'"]);
    expect(messages({ name: "X A", value: "1" })).toEqual(["name: must be a header name: letters, digits and !#$%&'*+.^_`|~-"]);
  });
});
