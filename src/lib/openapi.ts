/**
 * The definition as a consumer downloads it: the publisher's document with
 * the gateway as its only server, the subscription key declared the way
 * APIM's export declares it (`apiKeyHeader`, `apiKeyQuery`), and every
 * backend address removed.
 */
import { stringify } from "yaml";
import type { Api, ApiVersion, Operation } from "../../gateway/src/model/catalog.ts";
import { gatewayBaseUrl, versionSelector } from "./apis.ts";
import { scalarSlug } from "./slug.ts";

type Json = Record<string, unknown>;

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function definitionForGateway(api: Api, version: ApiVersion, gatewayUrl: string | undefined, description?: string): Json {
  const doc = structuredClone(version.document) as Json;
  const base = gatewayBaseUrl(api, version, gatewayUrl);
  const isSwagger2 = version.specVersion.startsWith("2");

  // Servers: the gateway only. Path- and operation-level servers would send
  // consumers (and the try-it console) around the gateway to the backend.
  if (isSwagger2) {
    const url = new URL(base);
    doc.host = url.host;
    doc.basePath = url.pathname === "" ? "/" : url.pathname;
    doc.schemes = [url.protocol.replace(":", "")];
  } else {
    doc.servers = [{ url: base, ...(description ? { description } : {}) }];
    if (isObject(doc.paths)) {
      for (const item of Object.values(doc.paths)) {
        if (!isObject(item)) continue;
        delete item.servers;
        for (const [key, op] of Object.entries(item)) if (HTTP_METHODS.has(key) && isObject(op)) delete op.servers;
      }
    }
  }

  // Version selected by header or query: a required parameter with one value.
  const selector = versionSelector(api, version);
  if (selector && isObject(doc.paths)) {
    for (const item of Object.values(doc.paths)) {
      if (!isObject(item)) continue;
      const params = Array.isArray(item.parameters) ? [...item.parameters] : [];
      const exists = params.some((p) => isObject(p) && p.name === selector.name && p.in === selector.in);
      if (!exists) {
        params.push(
          isSwagger2
            ? { name: selector.name, in: selector.in, required: true, type: "string", enum: [selector.value], default: selector.value }
            : { name: selector.name, in: selector.in, required: true, schema: { type: "string", enum: [selector.value], default: selector.value } },
        );
        item.parameters = params;
      }
    }
  }

  // The subscription key, declared as APIM exports it, unless the definition
  // already declares an apiKey scheme for the same header or query name.
  const header = { type: "apiKey", name: api.subscription.header, in: "header" };
  const query = { type: "apiKey", name: api.subscription.query, in: "query" };
  const existing = (isSwagger2 ? doc.securityDefinitions : isObject(doc.components) ? doc.components.securitySchemes : undefined) ?? {};
  const declared = (where: string, name: string) =>
    isObject(existing) &&
    Object.values(existing).some((s) => isObject(s) && s.type === "apiKey" && s.in === where && String(s.name).toLowerCase() === name.toLowerCase());
  const added: Record<string, unknown> = {};
  if (!declared("header", header.name)) added.apiKeyHeader = header;
  if (!declared("query", query.name)) added.apiKeyQuery = query;
  if (Object.keys(added).length > 0) {
    if (isSwagger2) {
      doc.securityDefinitions = { ...added, ...(isObject(doc.securityDefinitions) ? doc.securityDefinitions : {}) };
    } else {
      const components = isObject(doc.components) ? doc.components : {};
      components.securitySchemes = { ...added, ...(isObject(components.securitySchemes) ? components.securitySchemes : {}) };
      doc.components = components;
    }
    if (doc.security === undefined) {
      const key = Object.keys(added).map((name) => ({ [name]: [] }));
      doc.security = api.subscription.required ? key : [{}, ...key];
    }
  }
  return doc;
}

export function definitionJson(doc: Json): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

export function definitionYaml(doc: Json): string {
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The `slug` given to the reference island for this API version; anchors start with it. */
export function referenceSlug(api: Api, version: ApiVersion): string {
  return scalarSlug(version.id === "" ? api.id : `${api.id}-${version.id}`);
}

/**
 * The anchor of an operation inside the reference island, as Scalar builds
 * it: `<document>/tag/<tag>/<METHOD><path>` (or without the tag part for an
 * untagged operation).
 */
export function operationAnchor(api: Api, version: ApiVersion, op: Operation): string {
  const doc = referenceSlug(api, version);
  const tag = op.tags[0];
  const prefix = tag === undefined ? `${doc}/` : `${doc}/tag/${scalarSlug(tag)}/`;
  return `${prefix}${op.method.toUpperCase()}${op.path}`;
}
