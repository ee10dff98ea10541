/**
 * Shared by the cluster tests: the real Redis, the cluster token, and a
 * gateway node started as its own process.
 */
import { Redis } from "ioredis";
import { spawnPortico, type SpawnedPortico } from "./harness.ts";

export const REDIS_URL = process.env.PORTICO_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const CLUSTER_TOKEN = "cluster-test-token-f3a9c0d1e2";

/** Deletes every Redis key under `prefix`. */
export async function cleanRedis(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  await redis.quit();
}

export async function startNode(controlUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<SpawnedPortico> {
  return spawnPortico(["serve", "--role", "gateway", "--control-url", controlUrl], {
    PORTICO_CLUSTER_TOKEN: CLUSTER_TOKEN,
    PORTICO_DATA: dataDir,
    PORTICO_USAGE_FLUSH_MS: "200",
    PORTICO_ACCESS_LOG: "off",
    ...env,
  });
}

