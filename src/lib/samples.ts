/**
 * Example calls printed on the home page and API pages: a real operation of
 * a guest-visible API, its URL at the gateway with example values for the
 * required parameters, and the key header when one is needed.
 */
import type { Api, ApiVersion, Operation } from "../../gateway/src/model/catalog.ts";
import { defaultVersion, gatewayBaseUrl, versionSelector } from "./apis.ts";
import type { GuestView } from "./visibility.ts";

export interface SampleCall {
  api: Api;
  version: ApiVersion;
  operation: Operation;
  url: string;
  /** Whether a guest can make this call without a key (an open product includes the API). */
  keyless: boolean;
  curl: string;
}

export const KEY_PLACEHOLDER = "YOUR_KEY";

function exampleValue(schema: unknown, name: string): string {
  if (typeof schema === "object" && schema !== null) {
    const s = schema as Record<string, unknown>;
    for (const v of [s.example, s.default, Array.isArray(s.examples) ? s.examples[0] : undefined, Array.isArray(s.enum) ? s.enum[0] : undefined]) {
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
    }
  }
  return `{${name}}`;
}

/** Whether a guest may call `api` without a key: it needs none, or an open guest product includes it. */
export function keylessForGuests(view: GuestView, api: Api): boolean {
  return !api.subscription.required || view.productsOf(api).some((p) => !p.subscriptionRequired);
}

export function sampleFor(view: GuestView, gatewayUrl: string, api: Api, version: ApiVersion, operation: Operation): SampleCall {
  let path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = operation.parameters.find((x) => x.in === "path" && x.name === name);
    return encodeURIComponent(exampleValue(p?.schema, name)).replace(/%7B|%7D/g, (m) => (m === "%7B" ? "{" : "}"));
  });
  const query = new URLSearchParams();
  for (const p of operation.parameters) if (p.in === "query" && p.required) query.set(p.name, exampleValue(p.schema, p.name));
  const selector = versionSelector(api, version);
  if (selector?.in === "query") query.set(selector.name, selector.value);
  // Placeholders stay readable: `?city={city}`, not `?city=%7Bcity%7D`.
  const qs = query.toString().replace(/%7B|%7D/g, (m) => (m === "%7B" ? "{" : "}"));
  const url = gatewayBaseUrl(api, version, gatewayUrl) + path + (qs ? `?${qs}` : "");
  const keyless = keylessForGuests(view, api);
  const lines = [`curl${operation.method === "get" ? "" : ` -X ${operation.method.toUpperCase()}`} "${url}"`];
  if (selector?.in === "header") lines.push(`  -H "${selector.name}: ${selector.value}"`);
  if (!keyless) lines.push(`  -H "${api.subscription.header}: ${KEY_PLACEHOLDER}"`);
  return { api, version, operation, url, keyless, curl: lines.join(" \\\n") };
}

function bestOperation(version: ApiVersion): Operation | undefined {
  const gets = version.operations.filter((o) => o.method === "get" && !o.deprecated);
  return (
    gets.find((o) => !o.parameters.some((p) => p.required)) ??
    gets[0] ??
    version.operations.find((o) => !o.deprecated) ??
    version.operations[0]
  );
}

/** The API page's example: its simplest GET. */
export function apiSample(view: GuestView, gatewayUrl: string, api: Api, version: ApiVersion): SampleCall | undefined {
  const op = bestOperation(version);
  return op ? sampleFor(view, gatewayUrl, api, version, op) : undefined;
}

/** The home page's example: prefer an API a guest can call right now without a key. */
export function homeSample(view: GuestView, gatewayUrl: string): SampleCall | undefined {
  const ordered = [...view.apis].sort((a, b) => Number(keylessForGuests(view, b)) - Number(keylessForGuests(view, a)));
  for (const api of ordered) {
    const sample = apiSample(view, gatewayUrl, api, defaultVersion(api));
    if (sample) return sample;
  }
  return undefined;
}
