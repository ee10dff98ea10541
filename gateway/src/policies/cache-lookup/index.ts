/**
 * cache-lookup: builds the cache key (operation, path, chosen query
 * parameters sorted, chosen headers, subscription) and answers a hit.
 * cache-store reads the key from the exchange, so a hit is never stored
 * again and a call that was not looked up is never stored.
 */
import type { CachedResponse } from "../../counters/counter-store.ts";
import { parseQuery, type Exchange } from "../exchange.ts";
import { headerValue } from "../headers.ts";
import { guardStore } from "../store.ts";
import { makeStep, respond, type PolicyDefinition, type StepResult } from "../types.ts";
import { cacheLookupPolicy } from "./schema.ts";

export const priority = cacheLookupPolicy.priority;

/** A header cache-store adds to what it keeps (never sent): when the answer was stored, for `Age`. */
export const STORED_AT = "portico-stored-at";

interface Lookup {
  ex: Exchange;
  key: string;
}

export const definition: PolicyDefinition<typeof cacheLookupPolicy.schema> = {
  ...cacheLookupPolicy,
  create(options, ctx) {
    const { env } = ctx;
    const only = options.varyByQuery === undefined ? null : [...new Set(options.varyByQuery)].sort();
    const varyHeaders = options.varyByHeaders.map((h) => h.toLowerCase());
    const { varyBySubscription, onStoreError } = options;

    const lookup = ({ key }: Lookup) => env.counters.cacheGet(key);
    const answer = (hit: CachedResponse | undefined, { ex, key }: Lookup): StepResult => {
      if (hit === undefined) {
        ex.cacheKey = key;
        return undefined;
      }
      const headers: string[] = [];
      let storedAt = NaN;
      for (const [name, value] of hit.headers) {
        if (name === STORED_AT) storedAt = Number(value);
        else headers.push(name, value);
      }
      // RFC 9111 §5.1: an answer from a cache says how old it is.
      if (Number.isFinite(storedAt)) headers.push("age", String(Math.max(0, Math.floor((env.now() - storedAt) / 1000))));
      return respond({ status: hit.status, headers, body: hit.body }, true);
    };

    return makeStep(
      ctx,
      "cache-lookup",
      function cacheLookup(ex) {
        if (ex.method !== "GET" && ex.method !== "HEAD") return undefined;
        const query = parseQuery(ex.rawQuery);
        const names = only ?? Object.keys(query).sort();
        let key = `cache:${ex.api.id}:${ex.versionId}:${ex.operation.id}:${varyBySubscription ? (ex.subscriptionId ?? "-") : "*"}:${ex.backendPath}?`;
        for (const name of names) if (Object.hasOwn(query, name)) key += `${encodeURIComponent(name)}=${encodeURIComponent(query[name]!)}&`;
        for (const h of varyHeaders) key += `|${h}:${headerValue(ex.headers, h) ?? ""}`;
        return guardStore(env, "cache-lookup", onStoreError, lookup, { ex, key }, answer);
      },
      { sync: env.counters.kind === "memory" },
    );
  },
};
