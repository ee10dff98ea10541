import { afterEach, describe, expect, it } from "vitest";
import type { Operation } from "../../model/catalog.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const document = {
  openapi: "3.0.3",
  components: {
    schemas: {
      Item: { type: "object", properties: { id: { type: "string", format: "uuid" }, name: { type: "string", example: "Drone" }, size: { type: "string", enum: ["s", "m"] }, tags: { type: "array", items: { type: "string" } }, parent: { $ref: "#/components/schemas/Item" } } },
    },
  },
};

const ops: Operation[] = [
  {
    id: "getItem",
    method: "get",
    path: "/items/{id}",
    summary: "",
    description: "",
    tags: [],
    deprecated: false,
    parameters: [],
    responses: {
      "200": { description: "ok", content: { "application/json": { example: { id: "7", name: "Example drone" } }, "application/xml": { example: "<item id=\"7\"/>" } } },
      "404": { description: "missing", content: { "application/json": { example: { message: "No such item." } } } },
      "503": { description: "down", content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } } },
    },
  },
];

describe("mock-response", () => {
  it("answers with the OpenAPI example of the status asked, without calling the backend", async () => {
    gw = await startPolicyGateway({ ops, document, operations: { getItem: { inbound: ["base", { "mock-response": { status: 404 } }] } } });
    const res = await gw.call("/shop/items/7");
    expect([res.status, res.text, res.headers["content-type"]]).toEqual([404, '{"message":"No such item."}', "application/json; charset=utf-8"]);
    expect(gw.backend.hits).toBe(0);
  });

  it("defaults to 200 and application/json, and can pick another documented media type", async () => {
    gw = await startPolicyGateway({ ops, document, api: { inbound: [{ "mock-response": {} }] } });
    expect((await gw.call("/shop/items/7")).json()).toEqual({ id: "7", name: "Example drone" });
    await gw.close();
    gw = await startPolicyGateway({ ops, document, api: { inbound: [{ "mock-response": { contentType: "application/xml" } }] } });
    const xml = await gw.call("/shop/items/7");
    expect([xml.text, xml.headers["content-type"]]).toEqual(['<item id="7"/>', "application/xml"]);
  });

  it("builds an example from the schema when the definition has none, stopping at recursion", async () => {
    gw = await startPolicyGateway({ ops, document, api: { inbound: [{ "mock-response": { status: 503 } }] } });
    const res = await gw.call("/shop/items/7");
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ id: "00000000-0000-4000-8000-000000000000", name: "Drone", size: "s", tags: ["string"], parent: null });
  });

  it("answers without a body, and logs a warning when the status is not documented", async () => {
    gw = await startPolicyGateway({ ops, document, api: { inbound: [{ "mock-response": { status: 418 } }] } });
    const res = await gw.call("/shop/items/7");
    expect([res.status, res.text]).toEqual([418, ""]);
    expect(gw.logger.lines.some((l) => l.level === "warn" && l.msg.startsWith("mock-response: the operation documents no such response"))).toBe(true);
  });
});
