import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogDeep } from "./load-deep.ts";
import { loadCatalog } from "./loader.ts";

/** A definition whose schemas chain through `length` distinct `$ref`s before the cycle closes. */
function chained(length: number): unknown {
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    schemas[`S${i}`] = { type: "object", properties: { next: { $ref: `#/components/schemas/S${(i + 1) % length}` } } };
  }
  return {
    openapi: "3.0.3",
    info: { title: "Chained", version: "1" },
    paths: { "/s": { get: { operationId: "getS", responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/S0" } } } } } } } },
    components: { schemas },
  };
}

const THEMES = fileURLToPath(new URL("../../../themes", import.meta.url));

let tmp: string;
let content: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "portico-deep-"));
  content = path.join(tmp, "content");
  await mkdir(path.join(content, "apis/chain"), { recursive: true });
  await writeFile(path.join(content, "portal.yaml"), "title: Deep\n");
  await writeFile(path.join(content, "apis/chain/api.yaml"), "title: Chain\npath: /chain\nopenapi: openapi.json\nbackend: http://127.0.0.1:9\n");
  await writeFile(path.join(content, "apis/chain/openapi.json"), JSON.stringify(chained(4000)));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("loading on a deep stack", () => {
  it("validates a definition whose $refs chain through 4,000 schemas, which the main thread's stack cannot", async () => {
    const deep = await loadCatalogDeep(content, { cwd: tmp, themesDir: THEMES });
    expect(deep.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(Object.keys(deep.catalog!.apis)).toEqual(["chain"]);
    expect(deep.catalog!.apis.chain!.versions[0]!.operations.map((o) => o.id)).toEqual(["getS"]);
    const shallow = await loadCatalog(content, { cwd: tmp, themesDir: THEMES });
    expect(shallow.problems.map((p) => p.message)).toContain("maximum call stack size exceeded");
  }, 60_000);

  it("rejects with the loader's error when the content folder cannot be loaded at all", async () => {
    const result = await loadCatalogDeep(path.join(tmp, "missing"), { cwd: tmp });
    expect(result.catalog).toBeUndefined();
    expect(result.problems.length).toBeGreaterThan(0);
  });
});
