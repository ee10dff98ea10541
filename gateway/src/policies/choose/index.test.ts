import { afterEach, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("choose", () => {
  it("runs the first branch whose condition holds, or otherwise", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [
          {
            choose: {
              when: [
                { condition: 'request.query[?"tier"].orValue("") == "gold"', policies: [{ "set-header": { name: "X-Branch", value: "gold" } }] },
                { condition: '"tier" in request.query', policies: [{ "set-header": { name: "X-Branch", value: "any-tier" } }, { "return-response": { status: 202, body: "stopped in a branch" } }] },
              ],
              otherwise: [{ "set-header": { name: "X-Branch", value: "otherwise" } }],
            },
          },
        ],
      },
    });
    expect((await gw.call("/shop/items?tier=gold")).json().headers["x-branch"]).toBe("gold");
    const stopped = await gw.call("/shop/items?tier=silver");
    expect([stopped.status, stopped.text]).toEqual([202, "stopped in a branch"]);
    expect((await gw.call("/shop/items")).json().headers["x-branch"]).toBe("otherwise");
    expect(gw.backend.hits).toBe(2);
  });

  it("reads the answer in outbound", async () => {
    gw = await startPolicyGateway({
      backend: (req, res) => {
        res.writeHead(req.url === "/items?fail" ? 500 : 200);
        res.end();
      },
      api: { outbound: [{ choose: { when: [{ condition: "response.status >= 500", policies: [{ "set-header": { name: "Retry-After", value: "30" } }] }] } }] },
    });
    expect((await gw.call("/shop/items?fail")).headers["retry-after"]).toBe("30");
    expect((await gw.call("/shop/items")).headers["retry-after"]).toBeUndefined();
  });

  it("validates nested policies against their own schemas and CEL conditions at load", () => {
    const schema = policyOptionSchemas.choose!;
    const issues = (o: unknown) => schema.safeParse(o).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(
      issues({
        when: [
          { condition: "request.methd == 1", policies: [{ "set-heder": {} }, { "set-header": { name: "X-A", value: "b", colour: 1 } }, { "rate-limit": { calls: "ten", renewalPeriod: 1 } }, "base"] },
        ],
      }),
    ).toEqual([
      ["when.0.condition", "is not a valid CEL condition: No such key: methd (at character 9)"],
      ["when.0.policies.0.set-heder", expect.stringMatching(/^is not a known policy \(did you mean 'set-header'\?\); known policies: cache-lookup, /)],
      ["when.0.policies.1.set-header.colour", "is not an option of set-header; allowed keys: name, value, exists"],
      ["when.0.policies.2.rate-limit.calls", "Invalid input: expected number, received string"],
      ["when.0.policies.3", "must be one policy as a map, e.g. '- set-header: { name: X-A, value: b }'"],
    ]);
  });
});
