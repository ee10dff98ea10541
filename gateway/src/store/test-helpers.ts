/**
 * Shared set-up for the store's tests: a real libSQL file in a fresh temp
 * folder, migrated exactly as in production, and throwaway secrets.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openStore, type Store } from "./db.ts";
import { makeSecrets, type Secrets } from "./secrets.ts";
import { createUser, type NewUser, type User } from "./users.ts";

export interface TestStore {
  store: Store;
  dir: string;
  secrets: Secrets;
  cleanup(): Promise<void>;
}

export async function tempDir(prefix = "portico-store-"): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function openTestStore(): Promise<TestStore> {
  const dir = await tempDir();
  const store = await openStore({ dataDir: dir });
  return {
    store,
    dir,
    secrets: testSecrets(),
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function testSecrets(): Secrets {
  return makeSecrets({ keyHashSecret: randomBytes(32), keyEncryptionKey: randomBytes(32), sessionSecret: randomBytes(32) });
}

let counter = 0;

/** A user that must exist for the test to continue. */
export async function makeUser(store: Store, input: Partial<NewUser> = {}, now?: Date): Promise<User> {
  counter += 1;
  const result = await createUser(store, { email: `user${counter}@example.com`, name: `User ${counter}`, ...input }, now);
  if (!result.ok) throw new Error(`test set-up: ${result.message}`);
  return result.user;
}

/** Fixed instants, so tests never depend on the clock. */
export const T0 = new Date("2026-03-01T12:00:00.000Z");
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}
