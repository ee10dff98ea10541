import { chmod, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { openStore } from "./db.ts";
import { addGroupMember, createGroup, deleteGroup, updateGroup } from "./groups.ts";
import { loadSecrets } from "./secrets.ts";
import { createSession, validateSessionToken } from "./sessions.ts";
import {
  createSubscription,
  findSubscription,
  getSubscriptionKeys,
  regenerateSubscriptionKey,
  renameSubscription,
  SUBSCRIPTION_TRANSITIONS,
  transitionSubscription,
} from "./subscriptions.ts";
import { SUBSCRIPTION_STATES, type SubscriptionState } from "./schema.ts";
import { at, makeUser, openTestStore, T0, tempDir, type TestStore } from "./test-helpers.ts";
import { consumeOneTimeToken, createOneTimeToken, peekOneTimeToken } from "./tokens.ts";
import { createUser, deleteUser, updateUser } from "./users.ts";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.cleanup();
});

const HOUR = 3_600_000;

describe("users", () => {
  it("refuses a duplicate e-mail address, whatever its casing", async () => {
    await makeUser(t.store, { email: "ana@example.com" });
    expect(await createUser(t.store, { email: "ANA@Example.com" })).toEqual({
      ok: false,
      code: "CONFLICT",
      message: "An account with this e-mail address already exists.",
    });
  });

  it("refuses changing an address to one already taken", async () => {
    await makeUser(t.store, { email: "taken@example.com" });
    const user = await makeUser(t.store);
    expect(await updateUser(t.store, user.id, { email: "Taken@example.com" })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("refuses linking an OIDC identity already linked elsewhere", async () => {
    await makeUser(t.store, { oidc: { issuer: "https://idp", subject: "1" } });
    expect(await createUser(t.store, { email: "other@example.com", oidc: { issuer: "https://idp", subject: "1" } })).toEqual({
      ok: false,
      code: "CONFLICT",
      message: "This sign-in identity is already linked to another account.",
    });
  });

  it("refuses an empty address", async () => {
    expect(await createUser(t.store, { email: "   " })).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
  });

  it("answers NOT_FOUND for unknown and deleted users", async () => {
    expect(await updateUser(t.store, "nope", { name: "x" })).toEqual({ ok: false, code: "NOT_FOUND", message: "No user nope." });
    const user = await makeUser(t.store);
    await deleteUser(t.store, user.id);
    expect(await deleteUser(t.store, user.id)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await updateUser(t.store, user.id, { name: "back" })).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });

  it("the CHECK constraint refuses a mixed-case address written around the repository", async () => {
    await expect(
      t.store.client.execute({
        sql: "insert into users (id, email, created_at, updated_at) values ('x', 'Mixed@Example.com', 0, 0)",
        args: [],
      }),
    ).rejects.toThrow(/CHECK constraint failed/);
  });
});

describe("sessions", () => {
  it("refuses an unknown token", async () => {
    expect(await validateSessionToken(t.store, "not-a-token", { now: T0 })).toBeNull();
  });

  it("refuses and deletes an expired session", async () => {
    const user = await makeUser(t.store);
    const { token } = await createSession(t.store, { userId: user.id, ttlMs: HOUR }, T0);
    expect(await validateSessionToken(t.store, token, { now: at(HOUR) })).toBeNull();
    // Gone for good, even if asked again with an earlier clock.
    expect(await validateSessionToken(t.store, token, { now: T0 })).toBeNull();
  });

  it("refuses the session of a deleted user", async () => {
    const user = await makeUser(t.store);
    const { token } = await createSession(t.store, { userId: user.id }, T0);
    await t.store.client.execute({ sql: "update users set deleted_at = 1 where id = ?", args: [user.id] });
    expect(await validateSessionToken(t.store, token, { now: at(1) })).toBeNull();
  });
});

describe("one-time tokens", () => {
  it("a consumed token does not work a second time", async () => {
    const user = await makeUser(t.store);
    const { token } = await createOneTimeToken(t.store, { kind: "reset", userId: user.id }, T0);
    expect((await consumeOneTimeToken(t.store, token, "reset", at(1))).ok).toBe(true);
    expect(await consumeOneTimeToken(t.store, token, "reset", at(2))).toEqual({
      ok: false,
      code: "INVALID_TOKEN",
      message: "This link is invalid or has expired.",
      reason: "used",
    });
    expect(await peekOneTimeToken(t.store, token, "reset", at(2))).toMatchObject({ ok: false, reason: "used" });
  });

  it("of many concurrent uses exactly one succeeds", async () => {
    const { token } = await createOneTimeToken(t.store, { kind: "invite", email: "x@example.com" }, T0);
    const results = await Promise.all(Array.from({ length: 8 }, () => consumeOneTimeToken(t.store, token, "invite", at(1))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "used")).toHaveLength(7);
  });

  it("refuses an expired token", async () => {
    const { token } = await createOneTimeToken(t.store, { kind: "oidc-state", ttlMs: 1000 }, T0);
    expect(await consumeOneTimeToken(t.store, token, "oidc-state", at(1000))).toMatchObject({ ok: false, code: "INVALID_TOKEN", reason: "expired" });
  });

  it("refuses a token of another kind, and an unknown token", async () => {
    const user = await makeUser(t.store);
    const { token } = await createOneTimeToken(t.store, { kind: "reset", userId: user.id }, T0);
    expect(await consumeOneTimeToken(t.store, token, "verify", at(1))).toMatchObject({ ok: false, reason: "unknown" });
    // The failed attempt did not use it up.
    expect((await consumeOneTimeToken(t.store, token, "reset", at(1))).ok).toBe(true);
    expect(await consumeOneTimeToken(t.store, "garbage", "reset", at(1))).toMatchObject({ ok: false, reason: "unknown" });
  });
});

describe("groups", () => {
  it("refuses a duplicate or malformed group id", async () => {
    await createGroup(t.store, { id: "partners-eu", name: "EU" });
    expect(await createGroup(t.store, { id: "partners-eu", name: "Again" })).toEqual({ ok: false, code: "CONFLICT", message: 'A group "partners-eu" already exists.' });
    expect(await createGroup(t.store, { id: "Bad Id", name: "x" })).toMatchObject({ ok: false, code: "VALIDATION_FAILED" });
  });

  it("answers NOT_FOUND for unknown groups and users", async () => {
    expect(await updateGroup(t.store, "nope", { name: "x" })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await deleteGroup(t.store, "nope")).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await addGroupMember(t.store, { groupId: "partners", userId: "ghost" })).toEqual({ ok: false, code: "NOT_FOUND", message: "No user ghost." });
  });
});

describe("subscriptions", () => {
  const base = () => ({ productId: "premium", name: "App", keyPrefix: "dfly", secrets: t.secrets });
  async function inState(state: SubscriptionState) {
    const created = await createSubscription(t.store, { ...base(), userId: null, state: "submitted" }, T0);
    if (!created.ok) throw new Error(created.message);
    const path: Record<SubscriptionState, SubscriptionState[]> = {
      submitted: [],
      active: ["active"],
      rejected: ["rejected"],
      suspended: ["active", "suspended"],
      cancelled: ["active", "cancelled"],
      expired: ["active", "expired"],
    };
    for (const step of path[state]) {
      const r = await transitionSubscription(t.store, created.subscription.id, step, { now: at(1) });
      if (!r.ok) throw new Error(r.message);
    }
    return created.subscription.id;
  }

  it("refuses every transition the state machine does not allow, leaving the row as it was", async () => {
    for (const from of SUBSCRIPTION_STATES) {
      for (const to of SUBSCRIPTION_STATES) {
        if (SUBSCRIPTION_TRANSITIONS[from].includes(to)) continue;
        const id = await inState(from);
        const before = await findSubscription(t.store, id);
        const result = await transitionSubscription(t.store, id, to, { now: at(2), comment: "nope" });
        expect(result, `${from} → ${to}`).toEqual({
          ok: false,
          code: "INVALID_STATE_TRANSITION",
          message: `A ${from} subscription cannot become ${to}.`,
          from,
          to,
        });
        expect(await findSubscription(t.store, id)).toEqual(before);
      }
    }
  });

  it("of an approval and a rejection racing, exactly one wins", async () => {
    const id = await inState("submitted");
    const [approve, reject] = await Promise.all([
      transitionSubscription(t.store, id, "active", { now: at(2) }),
      transitionSubscription(t.store, id, "rejected", { now: at(2) }),
    ]);
    expect([approve.ok, reject.ok].filter(Boolean)).toHaveLength(1);
    const loser = approve.ok ? reject : approve;
    expect(loser).toMatchObject({ ok: false, code: "INVALID_STATE_TRANSITION" });
  });

  it("refuses a subscription over the per-user limit, counting active and submitted", async () => {
    const user = await makeUser(t.store);
    await createSubscription(t.store, { ...base(), userId: user.id, state: "active", limit: 2 }, T0);
    await createSubscription(t.store, { ...base(), userId: user.id, state: "submitted", limit: 2 }, T0);
    expect(await createSubscription(t.store, { ...base(), userId: user.id, state: "submitted", limit: 2 }, T0)).toEqual({
      ok: false,
      code: "SUBSCRIPTIONS_LIMIT_REACHED",
      message: "You already have 2 subscriptions to this product, the most allowed.",
    });
  });

  it("concurrent subscribe requests cannot exceed the limit", async () => {
    const user = await makeUser(t.store);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => createSubscription(t.store, { ...base(), userId: user.id, state: "active", limit: 1 }, T0)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("answers NOT_FOUND for an unknown subscription everywhere", async () => {
    const opts = { keyPrefix: "dfly", secrets: t.secrets };
    expect(await transitionSubscription(t.store, "nope", "active")).toEqual({ ok: false, code: "NOT_FOUND", message: "No subscription nope." });
    expect(await transitionSubscription(t.store, "nope", "submitted")).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await renameSubscription(t.store, "nope", "x")).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await regenerateSubscriptionKey(t.store, "nope", "primary", opts)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await getSubscriptionKeys(t.store, "nope", t.secrets)).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });

  it("throws on a key prefix that breaks the key format (a configuration bug, not an outcome)", async () => {
    await expect(createSubscription(t.store, { ...base(), keyPrefix: "Bad_Prefix", userId: null, state: "active" })).rejects.toThrow(/Invalid key prefix/);
  });
});

describe("openStore", () => {
  it("refuses an unsupported URL scheme, naming it", async () => {
    await expect(openStore({ dataDir: await tempDir(), url: "postgres://db/portico" })).rejects.toThrow(/Unsupported database URL scheme "postgres:"/);
  });

  it("fails clearly when the database file is not a database", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "portico.db"), "this is not sqlite, just text that is long enough to be read as a header".repeat(20));
    await expect(openStore({ dataDir: dir })).rejects.toThrow(/Could not open the database at file:.*portico\.db/);
  });
});

describe("secrets", () => {
  it("refuses a malformed secrets file, explaining what to do", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "secrets.json"), "{ not json", { mode: 0o600 });
    await expect(loadSecrets({ dataDir: dir, env: {} })).rejects.toThrow(ConfigError);
    await expect(loadSecrets({ dataDir: dir, env: {} })).rejects.toThrow(/secrets\.json is not valid JSON\. Restore it from a backup/);
  });

  it("refuses a secrets file with missing or unknown fields", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "secrets.json"), JSON.stringify({ version: 1, createdAt: "x", keyHashSecret: "abc", extra: 1 }), { mode: 0o600 });
    await expect(loadSecrets({ dataDir: dir, env: {} })).rejects.toThrow(/secrets\.json is malformed \(.*keyEncryptionKey/);
  });

  it("refuses a secret of the wrong length", async () => {
    const dir = await tempDir();
    const short = Buffer.alloc(16).toString("base64url");
    await expect(loadSecrets({ dataDir: dir, env: { PORTICO_KEY_ENCRYPTION_KEY: short } })).rejects.toThrow(
      "the environment variable PORTICO_KEY_ENCRYPTION_KEY must decode to exactly 32 bytes (256 bits); it has 16.",
    );
    await expect(loadSecrets({ dataDir: dir, env: { PORTICO_KEY_HASH_SECRET: short } })).rejects.toThrow(/at least 32 bytes/);
  });

  it("refuses a value that is not base64url", async () => {
    await expect(loadSecrets({ dataDir: await tempDir(), env: { PORTICO_KEY_HASH_SECRET: "not base64!" } })).rejects.toThrow(
      /PORTICO_KEY_HASH_SECRET is not base64url/,
    );
  });

  it("refuses a secrets path that is a directory", async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, "secrets.json"));
    await chmod(path.join(dir, "secrets.json"), 0o700);
    await expect(loadSecrets({ dataDir: dir, env: {} })).rejects.toThrow(/is not a regular file/);
  });
});
