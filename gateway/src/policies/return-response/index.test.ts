import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("return-response", () => {
  it("answers in inbound without calling the backend and without running outbound", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [{ "return-response": { status: 410, headers: { Link: "</docs/v2>; rel=\"help\"", "X-Multi": ["a", "b"] }, body: { message: "Gone." } } }],
        outbound: [{ "set-header": { name: "X-Outbound", value: "ran" } }],
      },
    });
    const res = await gw.call("/shop/items");
    expect(res.status).toBe(410);
    expect(res.text).toBe('{"message":"Gone."}');
    expect(res.headers).toMatchObject({ link: '</docs/v2>; rel="help"', "x-multi": ["a", "b"], "content-type": "application/json; charset=utf-8", "content-length": "19" });
    expect(res.headers["x-outbound"]).toBeUndefined();
    expect(gw.backend.hits).toBe(0);
  });

  it("sends text as written, and replaces the backend's answer in outbound", async () => {
    gw = await startPolicyGateway({ api: { outbound: [{ "return-response": { status: 200, body: "replaced" } }] } });
    const res = await gw.call("/shop/items");
    expect([res.status, res.text, res.headers["content-type"]]).toEqual([200, "replaced", "text/plain; charset=utf-8"]);
    expect(gw.backend.hits).toBe(1);
  });

  it("sends no body for HEAD", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "return-response": { body: "hello" } }] } });
    const res = await gw.call("/shop/items", { method: "HEAD" });
    expect([res.status, res.text, res.headers["content-length"]]).toEqual([200, "", "5"]);
  });

  it("sends 204 without a body or Content-Length", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "return-response": { status: 204, body: "ignored" } }] } });
    const res = await gw.call("/shop/items");
    expect([res.status, res.text, res.headers["content-length"]]).toEqual([204, "", undefined]);
  });
});
