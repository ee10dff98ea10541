import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Operation } from "./catalog.ts";
import { derivedOperationId, loadDefinition, pointerSegments, type DefinitionResult } from "./openapi.ts";
import { formatProblem, sortProblems } from "./problems.ts";
import { FIXTURES, ROOT } from "./test-registry.ts";

const APIS = path.join(FIXTURES, "content-openapi/content/apis");
const BROKEN = path.join(FIXTURES, "content-openapi/broken");

function load(apiDir: string, file: string): Promise<DefinitionResult> {
  return loadDefinition({
    file: path.join(apiDir, file),
    apiDir,
    display: (p) => path.relative(ROOT, p).split(path.sep).join("/"),
  });
}

async function operations(api: string, file = "openapi.yaml"): Promise<Operation[]> {
  const result = await load(path.join(APIS, api), file);
  expect(result.problems).toEqual([]);
  return result.definition!.operations;
}

async function printed(file: string): Promise<string[]> {
  return sortProblems((await load(BROKEN, file)).problems).map(formatProblem);
}

describe("OpenAPI 3.0", () => {
  it("resolves parameters, bodies and responses one level and keeps schemas as written", async () => {
    const result = await load(path.join(APIS, "oas30"), "openapi.yaml");
    expect(result.problems).toEqual([]);
    const definition = result.definition!;
    expect(definition.specVersion).toBe("3.0.3");
    expect(definition.title).toBe("Drone Fleet API");
    expect(definition.description).toBe("Drones and their missions.");
    const [list, create] = definition.operations;
    expect(list).toEqual({
      id: "listDrones",
      method: "get",
      path: "/drones",
      summary: "List drones",
      description: "",
      tags: ["drones"],
      deprecated: false,
      parameters: [
        { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
        { name: "X-Trace", in: "header", required: false, schema: { type: "string" } },
      ],
      responses: {
        "200": {
          description: "The fleet.",
          content: {
            "application/json": {
              schema: { type: "array", items: { $ref: "#/components/schemas/Drone" } },
              example: [{ id: "d1" }, { id: "d2" }],
            },
          },
        },
      },
    });
    expect(create).toEqual({
      id: "post-drones-droneid-missions",
      method: "post",
      path: "/drones/{droneId}/missions",
      summary: "",
      description: "",
      tags: [],
      deprecated: true,
      parameters: [{ name: "droneId", in: "path", required: true, description: "The drone.", schema: { type: "string" } }],
      requestBody: {
        required: true,
        content: { "application/json": { schema: { type: "object", properties: { destination: { type: "string" } } } } },
      },
      responses: {
        "201": { description: "Mission created.", content: { "application/json": { schema: { type: "object" }, example: { missionId: "m1" } } } },
        "404": { description: "No such drone.", content: {} },
      },
    });
  });
});

describe("OpenAPI 3.1", () => {
  it("loads 3.1 features and ignores webhooks, which the gateway does not serve", async () => {
    const result = await load(path.join(APIS, "oas31"), "openapi.yaml");
    expect(result.problems).toEqual([]);
    expect(result.definition!.specVersion).toBe("3.1.0");
    expect(result.definition!.operations).toEqual([
      {
        id: "echo",
        method: "get",
        path: "/echo",
        summary: "",
        description: "",
        tags: [],
        deprecated: false,
        parameters: [{ name: "q", in: "query", required: false, schema: { type: ["string", "null"] } }],
        responses: { "200": { description: "What was sent.", content: { "application/json": { schema: { type: "object" }, example: { method: "GET" } } } } },
      },
    ]);
  });
});

describe("Swagger 2.0", () => {
  it("turns body and form parameters into request bodies, and examples into response content", async () => {
    const [forecast, reports, photos] = await operations("swagger2", "swagger.json");
    expect(forecast).toMatchObject({
      id: "getForecast",
      parameters: [
        { name: "city", in: "query", required: true, schema: { type: "string", maxLength: 80 } },
        { name: "days", in: "query", required: false, schema: { type: "integer", default: 3 } },
      ],
      responses: {
        "200": {
          description: "A forecast.",
          content: { "application/json": { schema: { $ref: "#/definitions/Forecast" }, example: { city: "Oslo", days: [] } } },
        },
      },
    });
    expect(forecast!.requestBody).toBeUndefined();
    expect(reports).toMatchObject({
      id: "post-reports",
      parameters: [],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { $ref: "#/definitions/Forecast" } },
          "application/xml": { schema: { $ref: "#/definitions/Forecast" } },
        },
      },
      responses: { "204": { description: "Stored.", content: {} } },
    });
    expect(photos!.requestBody).toEqual({
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            properties: { photo: { type: "string", format: "binary" }, caption: { type: "string" } },
            required: ["photo"],
          },
        },
      },
    });
  });

  it("reports swagger-parser's own checks at the operation", async () => {
    expect(await printed("swagger-spec.yaml")).toEqual([
      "test/fixtures/content-openapi/broken/swagger-spec.yaml:7:5: GET /drones/{droneId} is missing path parameter(s) for {droneId}",
    ]);
  });
});

describe("references", () => {
  it("inlines files from the API's folder, keeps internal refs, and lists the files read", async () => {
    const result = await load(path.join(APIS, "external"), "openapi.yaml");
    expect(result.problems).toEqual([]);
    const { document, files, operations: ops } = result.definition!;
    expect(JSON.stringify(document)).not.toContain("pets.yaml");
    expect(files).toEqual([path.join(APIS, "external/openapi.yaml"), path.join(APIS, "external/schemas/pets.yaml")]);
    expect(ops.map((o) => o.id)).toEqual(["listPets", "getPet"]);
    expect(ops[1]!.parameters).toEqual([{ name: "petId", in: "path", required: true, schema: { type: "string" } }]);
    // The array's items point at the Pet schema wherever bundling placed it.
    const items = (ops[0]!.responses["200"]!.content["application/json"]!.schema as { items: { $ref: string } }).items;
    expect(items.$ref).toMatch(/^#\//);
    const target = pointerSegments(items.$ref).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], document);
    expect(target).toEqual({ type: "object", properties: { name: { type: "string" } } });
  });

  it("keeps a circular schema as a $ref, so the document stays serialisable", async () => {
    const result = await load(path.join(APIS, "circular"), "openapi.yaml");
    expect(result.problems).toEqual([]);
    const { document, operations: ops } = result.definition!;
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
    expect(ops[0]!.id).toBe("get-people-id");
    expect(ops[0]!.responses["200"]!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/Person" });
    expect((document.components as { schemas: { Person: { properties: { manager: unknown } } } }).schemas.Person.properties.manager).toEqual({
      $ref: "#/components/schemas/Person",
    });
  });

  it("survives a cycle through 400 schemas, as large APIs have (each object referencing the next, 800 levels deep)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "portico-chain-"));
    const count = 400;
    const schemas: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      schemas[`S${i}`] = { type: "object", properties: { id: { type: "string" }, next: { $ref: `#/components/schemas/S${(i + 1) % count}` } } };
    }
    const definition = {
      openapi: "3.0.3",
      info: { title: "Chain", version: "1" },
      paths: { "/s": { get: { operationId: "getS", responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/S0" } } } } } } } },
      components: { schemas },
    };
    await writeFile(path.join(dir, "openapi.json"), JSON.stringify(definition));
    try {
      const result = await load(dir, "openapi.json");
      expect(result.problems).toEqual([]);
      expect(result.definition!.operations.map((o) => o.id)).toEqual(["getS"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses files outside the API's folder, URLs and missing files, and reports every broken $ref", async () => {
    expect(await printed("refs.yaml")).toEqual([
      "test/fixtures/content-openapi/broken/refs.yaml:14:31: $ref \"../shared.yaml#/Error\" refers to test/fixtures/content-openapi/shared.yaml, outside the API's folder test/fixtures/content-openapi/broken: copy the file into the folder",
      "test/fixtures/content-openapi/broken/refs.yaml:23:31: $ref \"https://example.com/schemas.yaml#/Error\" refers to https://example.com/schemas.yaml: a definition may only use files in its API's folder, not URLs",
      "test/fixtures/content-openapi/broken/refs.yaml:32:31: $ref \"./missing.yaml#/Error\" refers to test/fixtures/content-openapi/broken/missing.yaml, which does not exist",
      "test/fixtures/content-openapi/broken/refs.yaml:38:17: $ref \"#/components/responses/Gone\" points to nothing: #/components/responses has no 'Gone'",
    ]);
  });
});

describe("problems in definitions", () => {
  it("reports schema problems, a broken $ref and a duplicate operationId in one run", async () => {
    const result = await load(path.join(FIXTURES, "content-broken/invalid-openapi/apis/status"), "openapi.yaml");
    expect(result.definition).toBeUndefined();
    expect(sortProblems(result.problems).map((p) => [p.line, p.column, p.path])).toEqual([
      [11, 15, 'paths["/health"].get.parameters[0].in'],
      [16, 20, 'paths["/health"].get.responses["200"].headers'],
      [19, 20, 'paths["/echo"].get.operationId'],
      [22, 17, 'paths["/echo"].get.responses["200"]'],
    ]);
  });

  it("reports a derived id that collides with another operation's", async () => {
    expect(await printed("derived-collision.yaml")).toEqual([
      "test/fixtures/content-openapi/broken/derived-collision.yaml:11:5: GET /a/b has no operationId and its derived id 'get-a-b' is already used by GET /a-b: give it an operationId",
    ]);
  });

  it("reports a file that is not a definition, a JSON syntax error and a missing file", async () => {
    expect(await printed("not-openapi.yaml")).toEqual([
      `test/fixtures/content-openapi/broken/not-openapi.yaml:1:1: this file is not an OpenAPI definition: expected a map with 'openapi: 3.x.y' (OpenAPI 3) or 'swagger: "2.0"' (Swagger 2), got a map without either key`,
    ]);
    expect(await printed("syntax.json")).toEqual([
      "test/fixtures/content-openapi/broken/syntax.json:4:3: JSON syntax error: missing , between flow map items",
    ]);
    // A valid JSON file is read with JSON.parse; its problems still get their line and column.
    expect(await printed("invalid.json")).toEqual([
      `test/fixtures/content-openapi/broken/invalid.json:9:18: missing required key 'description' in paths["/a"].get.responses["200"]`,
    ]);
    expect(await printed("nothing.yaml")).toEqual([
      "test/fixtures/content-openapi/broken/nothing.yaml:1:1: cannot read the OpenAPI definition: file not found",
    ]);
  });
});

describe("derivedOperationId", () => {
  it("is the method and a slug of the path", () => {
    expect(derivedOperationId("get", "/drones/{droneId}/missions")).toBe("get-drones-droneid-missions");
    expect(derivedOperationId("delete", "/v1/Users.json")).toBe("delete-v1-users-json");
    expect(derivedOperationId("get", "/")).toBe("get");
  });
});
