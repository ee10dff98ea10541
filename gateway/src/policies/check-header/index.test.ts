import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("check-header", () => {
  it("passes an accepted value (any case by default) and refuses a missing or other value with the configured status and message", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "check-header": { name: "X-Client-Version", values: ["2", "Beta"], failedStatusCode: 400, failedMessage: "Send X-Client-Version 2." } }] } });
    expect((await gw.call("/shop/items", { headers: { "x-client-version": "2" } })).status).toBe(200);
    expect((await gw.call("/shop/items", { headers: { "x-client-version": "BETA" } })).status).toBe(200);
    const wrong = await gw.call("/shop/items", { headers: { "x-client-version": "1" } });
    expect(wrong.json()).toEqual({ statusCode: 400, code: "BAD_REQUEST", message: "Send X-Client-Version 2.", requestId: wrong.headers["x-request-id"] });
    expect((await gw.call("/shop/items")).status).toBe(400);
    expect(gw.backend.hits).toBe(2);
  });

  it("compares case-sensitively with ignoreCase: false, and checks presence only without values", async () => {
    gw = await startPolicyGateway({
      api: { inbound: [{ "check-header": { name: "X-A", values: ["Yes"], ignoreCase: false } }] },
      operations: { getItem: { inbound: [{ "check-header": { name: "X-B" } }] } },
    });
    expect((await gw.call("/shop/items", { headers: { "x-a": "yes" } })).json()).toMatchObject({ statusCode: 401, code: "UNAUTHENTICATED" });
    expect((await gw.call("/shop/items/1", { headers: { "x-a": "Yes", "x-b": "" } })).status).toBe(200);
  });
});
