/**
 * What a gateway node needs to serve, as one document: the catalog (policies
 * are compiled from it on the node), the active keys' hashes, and the
 * portal's URL (for CORS). Kept on disk by every gateway node, so a node
 * that starts while the control plane is down serves the last good one.
 */
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { StoredKeyEntry } from "../gateway/key-cache.ts";
import type { Catalog } from "../model/catalog.ts";

export const SNAPSHOT_FORMAT = 1;
export const SNAPSHOT_FILE = "gateway-snapshot.json";

export interface ConfigSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  issuedAt: string;
  portalUrl: string;
  /**
   * The HMAC secret under which key hashes are made (base64url): a node
   * must hash presented keys the same way. The snapshot is only served to
   * holders of the cluster token and saved with owner-only permissions.
   */
  keyHashSecret: string;
  catalog: Catalog;
  keys: StoredKeyEntry[];
}

export function isSnapshot(value: unknown): value is ConfigSnapshot {
  const v = value as Partial<ConfigSnapshot> | null;
  return (
    v !== null &&
    typeof v === "object" &&
    v.format === SNAPSHOT_FORMAT &&
    typeof v.issuedAt === "string" &&
    typeof v.portalUrl === "string" &&
    typeof v.keyHashSecret === "string" &&
    typeof v.catalog === "object" &&
    v.catalog !== null &&
    typeof v.catalog.version === "string" &&
    Array.isArray(v.keys)
  );
}

/** Writes atomically (temp file + rename) with owner-only permissions. */
export async function saveSnapshot(dataDir: string, snapshot: ConfigSnapshot): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SNAPSHOT_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshot), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/** The last saved snapshot, or null when there is none or it is unreadable. */
export async function loadSnapshot(dataDir: string): Promise<ConfigSnapshot | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path.join(dataDir, SNAPSHOT_FILE), "utf8"));
    return isSnapshot(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
