/** cache-store: keeps the answer read whole by the outbound section; a failing store only logs. */
import { STORED_AT } from "../cache-lookup/index.ts";
import { headerValue } from "../headers.ts";
import { afterAnswer } from "../store.ts";
import { makeStep, type PolicyDefinition } from "../types.ts";
import { cacheStorePolicy } from "./schema.ts";

export const priority = cacheStorePolicy.priority;

/** Headers that describe one delivery rather than the content. */
const NOT_CACHED = new Set(["x-request-id", "date", "content-length", "transfer-encoding", "connection", "keep-alive"]);

export const definition: PolicyDefinition<typeof cacheStorePolicy.schema> = {
  ...cacheStorePolicy,
  create(options, ctx) {
    const { env } = ctx;
    const ttlMs = options.duration * 1000;
    const statuses = new Set(options.statuses);
    const { maxSize } = options;
    return makeStep(
      ctx,
      "cache-store",
      function cacheStore(ex) {
        const key = ex.cacheKey;
        const response = ex.response;
        if (key === null || response === null || response.body === null) return undefined;
        if (!statuses.has(response.status) || response.body.length > maxSize) return undefined;
        const control = (headerValue(response.headers, "cache-control") ?? "").toLowerCase();
        if (/\b(no-store|private)\b/.test(control) || headerValue(response.headers, "set-cookie") !== undefined) return undefined;
        const headers: Array<[string, string]> = [];
        for (let i = 0; i < response.headers.length; i += 2) {
          const name = response.headers[i]!;
          if (!NOT_CACHED.has(name.toLowerCase())) headers.push([name, response.headers[i + 1]!]);
        }
        // When it was stored travels with the answer (any store keeps headers), for the Age header of hits.
        headers.push([STORED_AT, String(env.now())]);
        afterAnswer(env, "cache-store", () => env.counters.cacheSet(key, { status: response.status, headers, body: response.body! }, ttlMs));
        return undefined;
      },
      { needsResponseBody: true },
    );
  },
};
