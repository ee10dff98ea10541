import { z } from "zod";
import { definePolicy, headerName, onStoreErrorOption } from "../define.ts";

export const cacheLookupOptions = z.strictObject({
  varyByQuery: z
    .array(z.string().min(1))
    .optional()
    .meta({ description: "Query parameters that tell answers apart. Default: all of them (in any order). List them to ignore the rest, e.g. tracking parameters.", examples: ["[city, days]"] }),
  varyByHeaders: z.array(headerName("A header name.")).default([]).meta({ description: "Request headers that tell answers apart, e.g. `Accept-Language`." }),
  varyBySubscription: z
    .boolean()
    .default(true)
    .meta({ description: "Keep each subscription's answers apart. Set false only for answers that are the same for every caller: then one subscription's cached answer serves all." }),
  onStoreError: onStoreErrorOption(),
});

export const cacheLookupPolicy = definePolicy({
  name: "cache-lookup",
  schema: cacheLookupOptions,
  priority: 700,
  sections: ["inbound"],
  summary: "Answers a GET from the gateway's cache when an identical call was answered recently.",
  description: [
    "Works with `cache-store` in `outbound`, which decides what is kept and for how long. Only `GET` and `HEAD` calls are looked up. On a hit the backend is not called; the rest of inbound and the backend section are skipped, and outbound runs on the cached answer.",
    "Calls are identical when operation, path, the `varyByQuery` parameters, the `varyByHeaders` headers and (by default) the subscription match. Put `cache-lookup` after `base` so that limits still count cached calls.",
  ].join("\n\n"),
  example: ["inbound:", "  - base", "  - cache-lookup: { varyByQuery: [city, days] }", "outbound:", "  - base", "  - cache-store: { duration: 60 }"].join("\n"),
});
