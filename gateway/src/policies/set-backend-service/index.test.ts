import { afterEach, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { startBackend, startPolicyGateway, type PolicyGateway, type TestBackend } from "../testing.ts";

let gw: PolicyGateway | undefined;
let other: TestBackend | undefined;
afterEach(async () => {
  await gw?.close();
  await other?.close();
  gw = other = undefined;
});

describe("set-backend-service", () => {
  it("sends the call to another backend, under its base path, chosen per call by choose", async () => {
    other = await startBackend();
    gw = await startPolicyGateway({
      api: {
        inbound: [
          {
            choose: {
              when: [{ condition: '"x-canary" in request.headers', policies: [{ "set-backend-service": { url: `${other.url}/canary/` } }] }],
            },
          },
        ],
      },
    });
    expect((await gw.call("/shop/items?a=1", { headers: { "x-canary": "1" } })).json().url).toBe("/canary/items?a=1");
    expect((await gw.call("/shop/items?a=1")).json().url).toBe("/items?a=1");
    expect([other.hits, gw.backend.hits]).toEqual([1, 1]);
  });

  it("accepts only plain http(s) base URLs", () => {
    const schema = policyOptionSchemas["set-backend-service"]!;
    const messages = (url: string) => schema.safeParse({ url }).error?.issues.map((i) => i.message);
    expect(messages("localhost:8090")).toEqual(["must use http or https, not localhost"]);
    expect(messages("ftp://files.example.com")).toEqual(["must use http or https, not ftp"]);
    expect(messages("https://user:pw@api.example.com/x?y=1")).toEqual(["must not have a query or fragment: it is a base URL", "must not carry credentials; send them with set-header"]);
    expect(messages("not a url")).toEqual(["must be an absolute URL such as http://localhost:8090/weather"]);
  });
});
