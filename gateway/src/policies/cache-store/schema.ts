import { z } from "zod";
import { definePolicy } from "../define.ts";

export const cacheStoreOptions = z.strictObject({
  duration: z.number().int().min(1).max(31_536_000).meta({ description: "Seconds an answer is kept.", examples: [60] }),
  statuses: z
    .array(z.number().int().min(200).max(599))
    .default([200])
    .meta({ description: "Statuses whose answers are kept." }),
  maxSize: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024)
    .meta({ description: "Largest body kept, in bytes; bigger answers pass uncached." }),
});

export const cacheStorePolicy = definePolicy({
  name: "cache-store",
  schema: cacheStoreOptions,
  priority: 100,
  sections: ["outbound"],
  summary: "Keeps the backend's answer for cache-lookup to serve to identical calls.",
  description: [
    "Stores what `cache-lookup` looked up and missed, for `duration` seconds. Answers with `Cache-Control: no-store` or `private`, or with `Set-Cookie`, are never kept; neither are statuses outside `statuses` or bodies over `maxSize`.",
    "The cache is the gateway's counter store: memory on one node, shared in Redis in a cluster, bounded in size either way.",
  ].join("\n\n"),
  example: ["inbound:", "  - base", "  - cache-lookup: {}", "outbound:", "  - base", "  - cache-store: { duration: 60 }"].join("\n"),
});
