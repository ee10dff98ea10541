import { randomBytes } from "node:crypto";
import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openStore } from "./db.ts";
import { decryptKey, encryptKey, hashKey, newKey } from "./key-crypto.ts";
import { loadSecrets, makeSecrets } from "./secrets.ts";
import { createSession, validateSessionToken } from "./sessions.ts";
import { createSubscription, findSubscription, getSubscriptionKeys, regenerateSubscriptionKey, renameSubscription, transitionSubscription } from "./subscriptions.ts";
import { makeUser, openTestStore, T0, tempDir, testSecrets, type TestStore } from "./test-helpers.ts";
import { createOneTimeToken } from "./tokens.ts";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.cleanup();
});

/** Every byte the database keeps on disk: the main file, the WAL and the shared-memory index. */
async function databaseBytes(dir: string): Promise<Buffer> {
  const files = (await readdir(dir)).filter((f) => f.startsWith("portico.db"));
  expect(files).toContain("portico.db");
  return Buffer.concat(await Promise.all(files.map((f) => readFile(path.join(dir, f)))));
}

function contains(haystack: Buffer, needle: string): boolean {
  return haystack.includes(Buffer.from(needle, "utf8"));
}

describe("nothing secret is stored in the clear", () => {
  it("subscription keys, session tokens and one-time tokens never reach the database file", async () => {
    const user = await makeUser(t.store);
    const secrets: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sub = await createSubscription(t.store, { userId: user.id, productId: "basic", name: `App ${i}`, state: "active", keyPrefix: "dfly", secrets: t.secrets }, T0);
      if (!sub.ok) throw new Error(sub.message);
      secrets.push(sub.primaryKey, sub.secondaryKey);
      const regenerated = await regenerateSubscriptionKey(t.store, sub.subscription.id, "secondary", { keyPrefix: "dfly", secrets: t.secrets });
      if (!regenerated.ok) throw new Error(regenerated.message);
      secrets.push(regenerated.key);
    }
    for (let i = 0; i < 5; i++) {
      secrets.push((await createSession(t.store, { userId: user.id }, T0)).token);
      secrets.push((await createOneTimeToken(t.store, { kind: "reset", userId: user.id }, T0)).token);
    }
    // The test would prove nothing if the secrets were too short to be found.
    expect(secrets.every((s) => s.length >= 30)).toBe(true);

    // While open (recent writes sit in the WAL) and after a clean close (checkpointed into the file).
    const open = await databaseBytes(t.dir);
    for (const secret of secrets) expect(contains(open, secret), secret).toBe(false);
    await t.store.close();
    const closed = await databaseBytes(t.dir);
    for (const secret of secrets) expect(contains(closed, secret), secret).toBe(false);
    // The check itself works: the user's address, stored in the clear, is found.
    expect(contains(closed, user.email)).toBe(true);
    t.store = await openStore({ dataDir: t.dir });
  });

  it("only the display start of a key is readable from a subscription", async () => {
    const sub = await createSubscription(t.store, { userId: null, productId: "basic", name: "x", state: "active", keyPrefix: "dfly", secrets: t.secrets }, T0);
    if (!sub.ok) throw new Error(sub.message);
    const found = await findSubscription(t.store, sub.subscription.id);
    const text = JSON.stringify(found);
    expect(text).not.toContain(sub.primaryKey);
    expect(text).not.toContain(hashKey(sub.primaryKey, t.secrets));
    expect(found?.primaryKeyStart).toMatch(/^dfly_[1-9A-HJ-NP-Za-km-z]{4}$/);
  });
});

describe("key crypto", () => {
  it("refuses a tampered ciphertext instead of returning a wrong key", () => {
    const { key, encrypted } = newKey("dfly", t.secrets);
    expect(decryptKey(encrypted, t.secrets)).toEqual({ ok: true, key });
    const [version, body] = encrypted.split(".") as [string, string];
    const bytes = Buffer.from(body, "base64url");
    for (const index of [0, 12, 20, 28, bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[index]! ^= 0x01;
      const result = decryptKey(`${version}.${flipped.toString("base64url")}`, t.secrets);
      expect(result, `byte ${index}`).toMatchObject({ ok: false, code: "KEY_DECRYPTION_FAILED" });
    }
  });

  it("refuses a ciphertext made under another encryption key", () => {
    const other = testSecrets();
    expect(decryptKey(encryptKey("dfly_x", other), t.secrets)).toMatchObject({ ok: false, code: "KEY_DECRYPTION_FAILED" });
  });

  it("refuses truncated, unversioned and garbage values", () => {
    const { encrypted } = newKey("dfly", t.secrets);
    for (const bad of [encrypted.slice(0, 20), encrypted.slice(3), "v2." + encrypted.slice(3), "", "v1.", "v1.!!!"]) {
      expect(decryptKey(bad, t.secrets), bad).toMatchObject({ ok: false, code: "KEY_DECRYPTION_FAILED" });
    }
  });

  it("a key tampered with in the database is not shown to its owner", async () => {
    const sub = await createSubscription(t.store, { userId: null, productId: "basic", name: "x", state: "active", keyPrefix: "dfly", secrets: t.secrets }, T0);
    if (!sub.ok) throw new Error(sub.message);
    const other = encryptKey("dfly_attackerChosenKeyxxxxxxxxxxxxxxxxx", testSecrets());
    await t.store.client.execute({ sql: "update subscriptions set primary_key_enc = ? where id = ?", args: [other, sub.subscription.id] });
    expect(await getSubscriptionKeys(t.store, sub.subscription.id, t.secrets)).toMatchObject({ ok: false, code: "INTERNAL" });
  });

  it("hashes depend on the server secret: a stolen database cannot confirm a guessed key", () => {
    const { key, hash } = newKey("dfly", t.secrets);
    expect(hashKey(key, t.secrets)).toBe(hash);
    expect(hashKey(key, testSecrets())).not.toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("owner guard", () => {
  it("another user's subscription is NOT_FOUND, never FORBIDDEN, and stays unchanged", async () => {
    const owner = await makeUser(t.store);
    const intruder = await makeUser(t.store);
    const sub = await createSubscription(t.store, { userId: owner.id, productId: "basic", name: "Mine", state: "active", keyPrefix: "dfly", secrets: t.secrets }, T0);
    if (!sub.ok) throw new Error(sub.message);
    const id = sub.subscription.id;
    const guard = { ownerId: intruder.id };
    expect(await findSubscription(t.store, id, guard)).toBeNull();
    expect(await getSubscriptionKeys(t.store, id, t.secrets, guard)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await transitionSubscription(t.store, id, "cancelled", guard)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await renameSubscription(t.store, id, "Stolen", guard)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await regenerateSubscriptionKey(t.store, id, "primary", { ...guard, keyPrefix: "dfly", secrets: t.secrets })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await findSubscription(t.store, id)).toMatchObject({ name: "Mine", state: "active", primaryKeyStart: sub.subscription.primaryKeyStart });
  });
});

describe("sessions", () => {
  it("the stored session id does not work as a token", async () => {
    const user = await makeUser(t.store);
    const { token, session } = await createSession(t.store, { userId: user.id }, T0);
    expect(session.id).not.toBe(token);
    expect(await validateSessionToken(t.store, session.id, { now: T0 })).toBeNull();
    expect(await validateSessionToken(t.store, token, { now: T0 })).not.toBeNull();
  });

  it("a blocked user's token stops working even if a session survived the block", async () => {
    const user = await makeUser(t.store);
    const { token } = await createSession(t.store, { userId: user.id }, T0);
    await t.store.client.execute({ sql: "update users set state = 'blocked' where id = ?", args: [user.id] });
    expect(await validateSessionToken(t.store, token, { now: T0 })).toBeNull();
  });
});

describe("secrets file", () => {
  it("is created 0600 in a 0700 folder, and read back unchanged on the next start", async () => {
    const dir = path.join(await tempDir(), "data");
    const first = await loadSecrets({ dataDir: dir, env: {} });
    expect(first.sources).toEqual({ keyHashSecret: "generated", keyEncryptionKey: "generated", sessionSecret: "generated" });
    expect((await stat(path.join(dir, "secrets.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const second = await loadSecrets({ dataDir: dir, env: {} });
    expect(second.sources.keyHashSecret).toBe("file");
    expect(Buffer.from(second.keyHashSecret).equals(Buffer.from(first.keyHashSecret))).toBe(true);
    expect(Buffer.from(second.keyEncryptionKey).equals(Buffer.from(first.keyEncryptionKey))).toBe(true);
    expect(first.keyEncryptionKey).toHaveLength(32);
  });

  it.each([0o644, 0o640, 0o604, 0o660])("is refused when its mode is %o", async (mode) => {
    const dir = await tempDir();
    await loadSecrets({ dataDir: dir, env: {} });
    const file = path.join(dir, "secrets.json");
    await chmod(file, mode);
    await expect(loadSecrets({ dataDir: dir, env: {} })).rejects.toThrow(
      `${file} is accessible to other users (mode ${mode.toString(8)}); it holds the server's secrets. Run \`chmod 600 ${file}\``,
    );
  });

  it("is not needed when every secret comes from the environment", async () => {
    const dir = await tempDir();
    const env = {
      PORTICO_KEY_HASH_SECRET: randomBytes(32).toString("base64url"),
      PORTICO_KEY_ENCRYPTION_KEY: randomBytes(32).toString("base64url"),
      PORTICO_SESSION_SECRET: randomBytes(48).toString("base64url"),
    };
    const secrets = await loadSecrets({ dataDir: dir, env });
    expect(secrets.sources).toEqual({ keyHashSecret: "env", keyEncryptionKey: "env", sessionSecret: "env" });
    expect(Buffer.from(secrets.keyHashSecret).toString("base64url")).toBe(env.PORTICO_KEY_HASH_SECRET);
    expect(await readdir(dir)).toEqual([]);
  });

  it("environment values win over the file, one by one", async () => {
    const dir = await tempDir();
    const fromFile = await loadSecrets({ dataDir: dir, env: {} });
    const hash = randomBytes(32).toString("base64url");
    const mixed = await loadSecrets({ dataDir: dir, env: { PORTICO_KEY_HASH_SECRET: hash } });
    expect(mixed.sources).toEqual({ keyHashSecret: "env", keyEncryptionKey: "file", sessionSecret: "file" });
    expect(Buffer.from(mixed.keyHashSecret).toString("base64url")).toBe(hash);
    expect(Buffer.from(mixed.keyEncryptionKey).equals(Buffer.from(fromFile.keyEncryptionKey))).toBe(true);
  });

  it("starting twice at once yields one set of secrets", async () => {
    const dir = await tempDir();
    const results = await Promise.all(Array.from({ length: 6 }, () => loadSecrets({ dataDir: dir, env: {} })));
    const hashes = new Set(results.map((s) => Buffer.from(s.keyHashSecret).toString("hex")));
    expect(hashes.size).toBe(1);
    expect((await readdir(dir)).filter((f) => f !== "secrets.json")).toEqual([]);
  });

  it("never prints the secret bytes, in logs or JSON", async () => {
    const secrets = makeSecrets({ keyHashSecret: Buffer.alloc(32, 7), keyEncryptionKey: Buffer.alloc(32, 8), sessionSecret: Buffer.alloc(32, 9) });
    const { inspect } = await import("node:util");
    expect(inspect(secrets)).toBe('Secrets { sources: {"keyHashSecret":"env","keyEncryptionKey":"env","sessionSecret":"env"} }');
    expect(JSON.stringify(secrets)).toBe('{"sources":{"keyHashSecret":"env","keyEncryptionKey":"env","sessionSecret":"env"}}');
  });

  it("a symbolic link in place of the file is refused", async () => {
    const dir = await tempDir();
    const elsewhere = path.join(await tempDir(), "real.json");
    await writeFile(elsewhere, "{}", { mode: 0o600 });
    const { symlink } = await import("node:fs/promises");
    await symlink(elsewhere, path.join(dir, "secrets.json"));
    await expect(loadSecrets({ dataDir: dir, env: {} })).rejects.toThrow(/is a symbolic link/);
  });
});
