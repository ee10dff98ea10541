/**
 * The demo content and the demo backend must agree: every operation that
 * content/apis documents is served by the backend, answers with its
 * documented success status, and has the shape of its documented example.
 * The content is read through the project's one loader, as the gateway and
 * the portal read it.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../model/loader.ts";
import { testClock, useBackend } from "./test-support.ts";

const contentDir = fileURLToPath(new URL("../../../content", import.meta.url));
const loaded = await loadCatalog(contentDir, { env: { PORTICO_DEMO_PORT: "8090" } });
const clock = testClock("2026-03-14T09:30:00Z");
const backend = await useBackend({ now: clock.now });

type Json = Record<string, unknown>;

/** Follows internal `$ref`s of a bundled definition. */
function resolve(doc: Json, node: unknown): Json {
  let current = node as Json;
  for (let hops = 0; typeof current?.$ref === "string" && hops < 20; hops++) {
    const pointer = (current.$ref as string).replace(/^#\//, "").split("/");
    current = pointer.reduce<unknown>(
      (at, key) => (at as Json)[key.replaceAll("~1", "/").replaceAll("~0", "~")],
      doc,
    ) as Json;
  }
  return current;
}

function exampleOf(media: Json | undefined): unknown {
  if (!media) return undefined;
  if ("example" in media) return media.example;
  const examples = media.examples as Record<string, { value: unknown }> | undefined;
  return examples ? Object.values(examples)[0]?.value : undefined;
}

/**
 * Keys and kinds, recursively, guided by the schema: free-form maps (only
 * `additionalProperties`) are not compared key by key, and null matches
 * anything (nullable fields).
 */
function sameShape(doc: Json, actual: unknown, example: unknown, schemaNode: unknown, at: string): string[] {
  if (example === null || actual === null) return [];
  const schema = schemaNode === undefined ? undefined : resolve(doc, schemaNode);
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array`];
    return example.length > 0 && actual.length > 0 ? sameShape(doc, actual[0], example[0], schema?.items, `${at}[0]`) : [];
  }
  if (typeof example === "object") {
    if (typeof actual !== "object" || Array.isArray(actual)) return [`${at}: expected an object`];
    const properties: Json = {};
    for (const part of [schema, ...(((schema?.allOf as unknown[]) ?? []).map((p) => resolve(doc, p)))]) {
      Object.assign(properties, (part?.properties as Json) ?? {});
    }
    if (schema?.additionalProperties && Object.keys(properties).length === 0) return [];
    const a = Object.keys(actual as Json).sort();
    const e = Object.keys(example as Json).sort();
    const problems: string[] = [];
    for (const key of e) if (!a.includes(key)) problems.push(`${at}.${key}: in the example, not in the answer`);
    for (const key of a) if (!e.includes(key)) problems.push(`${at}.${key}: in the answer, not in the example`);
    for (const key of e.filter((k) => a.includes(k))) {
      problems.push(...sameShape(doc, (actual as Json)[key], (example as Json)[key], properties[key], `${at}.${key}`));
    }
    return problems;
  }
  return typeof actual === typeof example ? [] : [`${at}: ${typeof actual} in the answer, ${typeof example} in the example`];
}

describe("the demo content", () => {
  it("is valid", () => {
    expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
  });

  const catalog = loaded.catalog!;
  const cases = Object.values(catalog.apis).flatMap((api) =>
    api.versions.flatMap((version) =>
      version.operations.map((operation) => ({ api, version, operation })),
    ),
  );

  it("documents the operations the demo backend serves", () => {
    expect(cases.map(({ api, version, operation }) => `${api.id} ${version.id || "-"} ${operation.id}`).sort()).toEqual([
      "fleet - createMission",
      "fleet - getDrone",
      "fleet - getMission",
      "fleet - listDrones",
      "status - echoDelete",
      "status - echoGet",
      "status - echoGetWithPath",
      "status - echoPatch",
      "status - echoPost",
      "status - echoPut",
      "status - getHealth",
      "weather v1 getForecast",
      "weather v1 listAlerts",
      "weather v2 getForecast",
      "weather v2 getHourlyForecast",
      "weather v2 listAlerts",
    ]);
  });

  it.each(cases.map((c) => [`${c.api.id}${c.version.id ? ` ${c.version.id}` : ""} ${c.operation.id}`, c] as const))(
    "%s: the backend answers as documented",
    async (_, { version, operation }) => {
      const doc = version.document;
      const pathItem = resolve(doc, (doc.paths as Json)[operation.path]);
      const op = resolve(doc, pathItem[operation.method]);
      const parameters = [...((pathItem.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])].map((p) =>
        resolve(doc, p),
      );

      let path = operation.path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const p of parameters) {
        const example = p.example ?? (resolve(doc, p.schema) as Json | undefined)?.default;
        if (example === undefined) continue;
        if (p.in === "path") path = path.replace(`{${p.name as string}}`, String(example));
        else if (p.in === "header") headers[p.name as string] = String(example);
        else if (p.in === "query" && typeof example === "object") {
          for (const [k, v] of Object.entries(example as Json)) query.append(k, String(v));
        } else if (p.in === "query") query.append(p.name as string, String(example));
      }
      expect(path, "every path parameter has an example").not.toMatch(/[{}]/);

      const init: RequestInit = { method: operation.method.toUpperCase(), headers };
      const body = op.requestBody ? resolve(doc, op.requestBody) : undefined;
      const json = body ? exampleOf((body.content as Json)["application/json"] as Json) : undefined;
      if (json !== undefined) {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(json);
      }

      const base = new URL(version.backend).pathname.replace(/\/$/, "");
      const url = `${backend.base}${base}${path}${query.size > 0 ? `?${query}` : ""}`;
      const res = await fetch(url, init);

      const success = Object.keys(op.responses as Json).find((status) => status.startsWith("2"))!;
      expect(res.status, `${init.method} ${url}: ${await res.clone().text()}`).toBe(Number(success));
      const documented = resolve(doc, (op.responses as Json)[success]);
      const media = ((documented.content as Json) ?? {})["application/json"] as Json | undefined;
      const example = exampleOf(media);
      if (example !== undefined) {
        expect(sameShape(doc, await res.json(), example, media?.schema, "body")).toEqual([]);
      }
    },
  );
});
