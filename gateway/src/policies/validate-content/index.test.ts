import { afterEach, describe, expect, it } from "vitest";
import type { Operation } from "../../model/catalog.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";
import { toJsonSchema } from "./openapi-schema.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const mission = {
  type: "object",
  required: ["droneId", "items"],
  additionalProperties: false,
  properties: {
    droneId: { type: "string", pattern: "^D-[0-9]+$" },
    note: { type: "string", nullable: true },
    priority: { type: "integer", minimum: 0, exclusiveMinimum: true, maximum: 5 },
    items: { type: "array", minItems: 1, items: { $ref: "#/components/schemas/Item" } },
  },
};
const document = { openapi: "3.0.3", components: { schemas: { Item: { type: "object", required: ["sku", "qty"], properties: { sku: { type: "string" }, qty: { type: "integer", format: "int32", minimum: 1 } } } } } };

function createOp(schema: unknown = mission, required = true): Operation {
  return {
    id: "createMission",
    method: "post",
    path: "/missions",
    summary: "",
    description: "",
    tags: [],
    deprecated: false,
    parameters: [],
    requestBody: { required, content: { "application/json": { schema }, "text/csv": {} } },
    responses: {},
  };
}

const valid = { droneId: "D-7", note: null, priority: 1, items: [{ sku: "P-1", qty: 2 }] };
const post = (body: unknown, contentType = "application/json") => ({ method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });

describe("validate-content", () => {
  it("passes a body that matches the definition, OpenAPI 3.0 nullable included, and forwards it unchanged", async () => {
    gw = await startPolicyGateway({ ops: [createOp()], document, specVersion: "3.0.3", api: { inbound: [{ "validate-content": {} }] } });
    const res = await gw.call("/shop/missions", post(valid));
    expect(res.status).toBe(200);
    expect(res.json().body).toBe(JSON.stringify(valid));
  });

  it("refuses a body that breaks the schema with 400 and the JSON pointer of the failure", async () => {
    gw = await startPolicyGateway({ ops: [createOp()], document, specVersion: "3.0.3", api: { inbound: [{ "validate-content": {} }] } });
    const res = await gw.call("/shop/missions", post({ ...valid, items: [{ sku: "P-1", qty: 2 }, { sku: "P-2", qty: 0 }] }));
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      statusCode: 400,
      code: "CONTENT_INVALID",
      message: "The request body does not match the definition: /items/1/qty must be >= 1.",
      requestId: res.headers["x-request-id"],
      details: [{ path: "/items/1/qty", message: "must be >= 1" }],
    });
    expect(gw.backend.hits).toBe(0);
  });

  it("names every problem (up to ten): missing and extra properties, types, patterns, exclusive bounds", async () => {
    gw = await startPolicyGateway({ ops: [createOp()], document, specVersion: "3.0.3", api: { inbound: [{ "validate-content": {} }] } });
    const res = await gw.call("/shop/missions", post({ droneId: "X", note: 5, priority: 0, colour: "red" }));
    expect(res.json().details).toEqual([
      { path: "/items", message: "is required" },
      { path: "/colour", message: "is not allowed" },
      { path: "/droneId", message: 'must match pattern "^D-[0-9]+$"' },
      { path: "/note", message: "must be string,null" },
      { path: "/priority", message: "must be > 0" },
    ]);
  });

  it("refuses malformed JSON, a missing required body, undocumented content types and oversized bodies", async () => {
    gw = await startPolicyGateway({ ops: [createOp()], document, specVersion: "3.0.3", api: { inbound: [{ "validate-content": { maxSize: 200 } }] } });
    const cases = [
      [post("{oops"), 400, "CONTENT_INVALID", "The request body is not valid JSON."],
      [{ method: "POST" }, 400, "CONTENT_INVALID", "The request body is required."],
      [post("<a/>", "application/xml"), 415, "UNSUPPORTED_MEDIA_TYPE", "The request body's content type 'application/xml' is not accepted here; send application/json, text/csv."],
      [post({ ...valid, note: "x".repeat(300) }), 413, "PAYLOAD_TOO_LARGE", "The request body is larger than the 200 bytes this operation's policies accept."],
    ] as const;
    for (const [init, status, code, message] of cases) {
      const res = await gw.call("/shop/missions", init);
      expect([res.status, res.json().code, res.json().message]).toEqual([status, code, message]);
    }
    // A documented non-JSON type passes unchecked.
    expect((await gw.call("/shop/missions", post("a,b", "text/csv"))).status).toBe(200);
  });

  it("validates OpenAPI 3.1 schemas as JSON Schema 2020-12", async () => {
    const schema = { type: "object", required: ["n"], properties: { n: { type: ["integer", "null"], exclusiveMinimum: 0 } } };
    gw = await startPolicyGateway({ ops: [createOp(schema)], document: { openapi: "3.1.0" }, specVersion: "3.1.0", api: { inbound: [{ "validate-content": {} }] } });
    expect((await gw.call("/shop/missions", post({ n: null }))).status).toBe(200);
    expect((await gw.call("/shop/missions", post({ n: 0 }))).json().details).toEqual([{ path: "/n", message: "must be > 0" }]);
  });

  it("only logs invalid bodies with action: detect", async () => {
    gw = await startPolicyGateway({ ops: [createOp()], document, specVersion: "3.0.3", api: { inbound: [{ "validate-content": { action: "detect" } }] } });
    expect((await gw.call("/shop/missions", post({}))).status).toBe(200);
    expect(gw.logger.lines.filter((l) => l.msg === "validate-content: invalid request body (detect only)")).toHaveLength(1);
  });

  it("turns OpenAPI 3.0 keywords into JSON Schema", () => {
    expect(toJsonSchema({ type: "string", nullable: true, enum: ["a"] })).toEqual({ type: ["string", "null"], enum: ["a", null] });
    expect(toJsonSchema({ $ref: "#/x", nullable: true })).toEqual({ anyOf: [{ $ref: "#/x" }, { type: "null" }] });
    expect(toJsonSchema({ type: "number", minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false })).toEqual({ type: "number", exclusiveMinimum: 1, maximum: 9 });
    expect(toJsonSchema({ type: "integer", "x-nullable": true })).toEqual({ type: ["integer", "null"] });
  });
});
