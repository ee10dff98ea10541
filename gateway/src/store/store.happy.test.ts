import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendAudit, listAudit } from "./audit.ts";
import { MIGRATIONS_DIR, openStore } from "./db.ts";
import {
  addGroupMember,
  createGroup,
  deleteGroup,
  isGroupMember,
  listGroupMembers,
  listGroups,
  listUserGroups,
  removeGroupMember,
  updateGroup,
} from "./groups.ts";
import { hashKey, isWellFormedKey } from "./key-crypto.ts";
import { withTransaction } from "./outcome.ts";
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  listUserSessions,
  SESSION_TTL_MS,
  slidingExpiry,
  validateSessionToken,
} from "./sessions.ts";
import {
  countOpenSubscriptions,
  createSubscription,
  expireDueSubscriptions,
  findSubscription,
  getKeyEntries,
  getSubscriptionKeys,
  listActiveKeyEntries,
  listSubscriptions,
  regenerateSubscriptionKey,
  renameSubscription,
  transitionSubscription,
} from "./subscriptions.ts";
import { at, makeUser, openTestStore, T0, tempDir, type TestStore } from "./test-helpers.ts";
import { consumeOneTimeToken, createOneTimeToken, deleteExpiredTokens, peekOneTimeToken } from "./tokens.ts";
import { countUsers, createUser, deleteUser, findUserByEmail, findUserById, findUserByOidc, listUsers, updateUser } from "./users.ts";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(async () => {
  await t.cleanup();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("openStore", () => {
  it("creates the data folder and a WAL-mode file database with every table", async () => {
    const dir = path.join(await tempDir(), "nested", "data");
    const store = await openStore({ dataDir: dir });
    try {
      expect((await stat(path.join(dir, "portico.db"))).isFile()).toBe(true);
      expect(((await stat(dir)).mode & 0o777).toString(8)).toBe("700");
      const mode = await store.client.execute("PRAGMA journal_mode");
      expect(mode.rows[0]![0]).toBe("wal");
      const tables = await store.client.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name");
      expect(tables.rows.map((r) => r[0])).toEqual([
        "__drizzle_migrations",
        "audit_log",
        "group_members",
        "groups",
        "one_time_tokens",
        "sessions",
        "subscriptions",
        "usage_batches",
        "usage_minutes",
        "users",
      ]);
      expect(store.kind).toBe("file");
    } finally {
      await store.close();
    }
  });

  it("reopens an existing database without re-applying migrations, keeping its rows", async () => {
    const user = await makeUser(t.store);
    await t.store.close();
    const again = await openStore({ dataDir: t.dir });
    t.store = again;
    expect((await findUserById(again, user.id))?.email).toBe(user.email);
    const applied = await again.client.execute("select count(*) from __drizzle_migrations");
    const migrations = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql"));
    expect(Number(applied.rows[0]![0])).toBe(migrations.length);
  });

  it("accepts an explicit file: URL", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, url: `file:${path.join(dir, "other.db")}` });
    try {
      expect((await stat(path.join(dir, "other.db"))).isFile()).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe("users", () => {
  it("creates a user with a lower-cased address and finds it by id and by any casing", async () => {
    const result = await createUser(t.store, { email: "  Ana.Lima@Example.COM ", name: " Ana ", passwordHash: "$argon2id$x", customFields: { company: "Acme" } }, T0);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.user).toMatchObject({ email: "ana.lima@example.com", name: "Ana", state: "active", customFields: { company: "Acme" }, createdAt: T0, deletedAt: null });
    expect(result.user.id).toMatch(/^[a-z2-7]{24}$/);
    expect((await findUserById(t.store, result.user.id))?.email).toBe("ana.lima@example.com");
    expect((await findUserByEmail(t.store, "ANA.LIMA@example.com"))?.id).toBe(result.user.id);
  });

  it("creates invited and OIDC-only users without a password and finds them by identity", async () => {
    const invited = await makeUser(t.store, { email: "inv@example.com", state: "invited" });
    expect(invited).toMatchObject({ state: "invited", passwordHash: null });
    const oidc = await makeUser(t.store, { email: "sso@example.com", oidc: { issuer: "https://idp.example", subject: "abc" } });
    expect((await findUserByOidc(t.store, "https://idp.example", "abc"))?.id).toBe(oidc.id);
    expect(await findUserByOidc(t.store, "https://other.example", "abc")).toBeNull();
  });

  it("updates fields and the updatedAt time", async () => {
    const user = await makeUser(t.store, {}, T0);
    const result = await updateUser(t.store, user.id, { name: "New Name", email: "New@Example.com", emailVerifiedAt: at(5) }, at(10));
    expect(result).toMatchObject({ ok: true, user: { name: "New Name", email: "new@example.com", emailVerifiedAt: at(5), updatedAt: at(10), createdAt: T0 } });
  });

  it("lists users with search, state filter and paging", async () => {
    await makeUser(t.store, { email: "zoe@acme.test", name: "Zoë" }, at(1));
    await makeUser(t.store, { email: "bob@other.test", name: "Bob ACME" }, at(2));
    await makeUser(t.store, { email: "eve@other.test", name: "Eve", state: "blocked" }, at(3));
    const acme = await listUsers(t.store, { search: "acme" });
    expect(acme.users.map((u) => u.email)).toEqual(["zoe@acme.test", "bob@other.test"]);
    expect(acme.total).toBe(2);
    expect((await listUsers(t.store, { state: "blocked" })).users.map((u) => u.email)).toEqual(["eve@other.test"]);
    const page = await listUsers(t.store, { limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, users: [{ email: "bob@other.test" }] });
    // LIKE wildcards in the search are literal.
    expect((await listUsers(t.store, { search: "%" })).total).toBe(0);
    expect(await countUsers(t.store)).toBe(3);
  });

  it("blocking a user ends their sessions", async () => {
    const user = await makeUser(t.store);
    const { token } = await createSession(t.store, { userId: user.id }, T0);
    await updateUser(t.store, user.id, { state: "blocked" }, at(1));
    expect(await validateSessionToken(t.store, token, { now: at(2) })).toBeNull();
    expect(await listUserSessions(t.store, user.id, at(2))).toEqual([]);
  });

  it("deleting a user anonymises the row, frees the address, ends everything that acts for them", async () => {
    const user = await makeUser(t.store, { email: "gone@example.com", name: "Gone", customFields: { phone: "123" } });
    await createSession(t.store, { userId: user.id }, T0);
    await createOneTimeToken(t.store, { kind: "reset", userId: user.id }, T0);
    await addGroupMember(t.store, { groupId: "partners", userId: user.id });
    const sub = await createSubscription(t.store, { userId: user.id, productId: "basic", name: "App", state: "active", keyPrefix: "dfly", secrets: t.secrets }, T0);
    const closed = await createSubscription(t.store, { userId: user.id, productId: "basic", name: "Old", state: "active", keyPrefix: "dfly", secrets: t.secrets }, T0);
    if (!sub.ok || !closed.ok) throw new Error("set-up");
    await transitionSubscription(t.store, closed.subscription.id, "cancelled", { now: at(1) });

    const result = await deleteUser(t.store, user.id, at(10));
    expect(result).toMatchObject({ ok: true, cancelledSubscriptionIds: [sub.subscription.id] });
    const row = await findUserById(t.store, user.id);
    expect(row).toMatchObject({ email: `deleted-${user.id}@deleted.invalid`, name: "", passwordHash: null, customFields: {}, state: "blocked", deletedAt: at(10) });
    expect(await findUserByEmail(t.store, "gone@example.com")).toBeNull();
    expect(await listUserGroups(t.store, user.id)).toEqual([]);
    expect(await listUserSessions(t.store, user.id, T0)).toEqual([]);
    expect((await findSubscription(t.store, sub.subscription.id))?.state).toBe("cancelled");
    // The address can be used again by a new account.
    expect((await createUser(t.store, { email: "gone@example.com" })).ok).toBe(true);
  });
});

describe("sessions", () => {
  it("validates a fresh token and returns the session and user", async () => {
    const user = await makeUser(t.store);
    const { token, session } = await createSession(t.store, { userId: user.id, ip: "203.0.113.9", userAgent: "test" }, T0);
    expect(session).toMatchObject({ userId: user.id, createdAt: T0, lastSeenAt: T0, expiresAt: at(SESSION_TTL_MS), ip: "203.0.113.9" });
    const valid = await validateSessionToken(t.store, token, { now: at(1000) });
    expect(valid).toMatchObject({ refreshed: false, user: { id: user.id }, session: { id: session.id } });
  });

  it("slides the expiry forward once less than half the lifetime is left", async () => {
    const user = await makeUser(t.store);
    const { token } = await createSession(t.store, { userId: user.id }, T0);
    const early = at(SESSION_TTL_MS / 2 - 1000);
    expect((await validateSessionToken(t.store, token, { now: early }))?.refreshed).toBe(false);
    const late = at(SESSION_TTL_MS / 2 + 1000);
    const slid = await validateSessionToken(t.store, token, { now: late });
    expect(slid?.refreshed).toBe(true);
    expect(slid?.session.expiresAt).toEqual(new Date(late.getTime() + SESSION_TTL_MS));
    // Stored, not just returned.
    expect((await listUserSessions(t.store, user.id, late))[0]?.expiresAt).toEqual(new Date(late.getTime() + SESSION_TTL_MS));
  });

  it("slidingExpiry is pure and follows the half-lifetime rule", () => {
    const session = { expiresAt: at(10 * DAY) };
    expect(slidingExpiry(session, T0, 30 * DAY)).toEqual(at(30 * DAY));
    expect(slidingExpiry(session, T0, 20 * DAY)).toBeNull();
  });

  it("updates lastSeenAt at most once a minute", async () => {
    const user = await makeUser(t.store);
    const { token } = await createSession(t.store, { userId: user.id }, T0);
    expect((await validateSessionToken(t.store, token, { now: at(30_000) }))?.session.lastSeenAt).toEqual(T0);
    expect((await validateSessionToken(t.store, token, { now: at(61_000) }))?.session.lastSeenAt).toEqual(at(61_000));
  });

  it("signs out one session, all but one, and sweeps expired ones", async () => {
    const user = await makeUser(t.store);
    const a = await createSession(t.store, { userId: user.id }, T0);
    const b = await createSession(t.store, { userId: user.id }, T0);
    const c = await createSession(t.store, { userId: user.id, ttlMs: HOUR }, T0);
    expect(await deleteSession(t.store, a.session.id)).toBe(true);
    expect(await deleteSession(t.store, a.session.id)).toBe(false);
    expect(await deleteExpiredSessions(t.store, at(2 * HOUR))).toBe(1);
    await createSession(t.store, { userId: user.id }, T0);
    expect(await deleteUserSessions(t.store, user.id, { exceptSessionId: b.session.id })).toBe(1);
    expect((await listUserSessions(t.store, user.id, T0)).map((s) => s.id)).toEqual([b.session.id]);
    expect(c.session.expiresAt).toEqual(at(HOUR));
  });
});

describe("one-time tokens", () => {
  it("creates a token, peeks without using it, then consumes it once", async () => {
    const user = await makeUser(t.store);
    const { token, record } = await createOneTimeToken(t.store, { kind: "verify", userId: user.id, data: { next: "/account" } }, T0);
    expect(token).toMatch(/^[a-z2-7]{52}$/);
    expect(record).toMatchObject({ kind: "verify", userId: user.id, data: { next: "/account" }, usedAt: null, expiresAt: at(48 * HOUR) });
    expect(await peekOneTimeToken(t.store, token, "verify", at(1))).toMatchObject({ ok: true });
    const used = await consumeOneTimeToken(t.store, token, "verify", at(2));
    expect(used).toMatchObject({ ok: true, record: { usedAt: at(2), userId: user.id } });
  });

  it("keeps an invitation's address lower-cased and without a user", async () => {
    const { token } = await createOneTimeToken(t.store, { kind: "invite", email: "New.Dev@Example.com", data: { groups: ["partners"] } }, T0);
    expect(await consumeOneTimeToken(t.store, token, "invite", at(1))).toMatchObject({ ok: true, record: { email: "new.dev@example.com", userId: null } });
  });

  it("replacePrevious makes only the newest link of a kind work", async () => {
    const user = await makeUser(t.store);
    const first = await createOneTimeToken(t.store, { kind: "reset", userId: user.id }, T0);
    const verify = await createOneTimeToken(t.store, { kind: "verify", userId: user.id }, T0);
    const second = await createOneTimeToken(t.store, { kind: "reset", userId: user.id, replacePrevious: true }, at(1));
    expect(await consumeOneTimeToken(t.store, first.token, "reset", at(2))).toMatchObject({ ok: false, reason: "unknown" });
    expect(await consumeOneTimeToken(t.store, second.token, "reset", at(2))).toMatchObject({ ok: true });
    // Other kinds are untouched.
    expect(await consumeOneTimeToken(t.store, verify.token, "verify", at(2))).toMatchObject({ ok: true });
  });

  it("sweeps expired tokens and old used ones", async () => {
    const a = await createOneTimeToken(t.store, { kind: "oidc-state" }, T0);
    await createOneTimeToken(t.store, { kind: "invite", email: "x@example.com" }, T0);
    await consumeOneTimeToken(t.store, a.token, "oidc-state", at(1));
    expect(await deleteExpiredTokens(t.store, at(HOUR), HOUR / 2)).toBe(1);
    expect(await deleteExpiredTokens(t.store, at(8 * DAY))).toBe(1);
  });
});

describe("groups", () => {
  it("creates, updates, lists and deletes custom groups", async () => {
    expect(await createGroup(t.store, { id: "beta-testers", name: " Beta testers ", description: "Early access" }, T0)).toMatchObject({
      ok: true,
      group: { id: "beta-testers", name: "Beta testers", description: "Early access", createdAt: T0 },
    });
    await createGroup(t.store, { id: "auditors", name: "Auditors" }, T0);
    expect((await listGroups(t.store)).map((g) => g.id)).toEqual(["auditors", "beta-testers"]);
    expect(await updateGroup(t.store, "auditors", { description: "Read-only" })).toMatchObject({ ok: true, group: { name: "Auditors", description: "Read-only" } });
    const user = await makeUser(t.store);
    await addGroupMember(t.store, { groupId: "auditors", userId: user.id });
    expect(await deleteGroup(t.store, "auditors")).toEqual({ ok: true });
    expect(await listUserGroups(t.store, user.id)).toEqual([]);
  });

  it("adds members to custom, content and built-in groups, idempotently", async () => {
    const admin = await makeUser(t.store);
    const user = await makeUser(t.store);
    expect(await addGroupMember(t.store, { groupId: "partners", userId: user.id, addedBy: admin.id }, T0)).toEqual({ ok: true, added: true });
    expect(await addGroupMember(t.store, { groupId: "partners", userId: user.id }, at(1))).toEqual({ ok: true, added: false });
    await addGroupMember(t.store, { groupId: "administrators", userId: user.id }, at(2));
    expect(await listUserGroups(t.store, user.id)).toEqual(["administrators", "partners"]);
    expect(await isGroupMember(t.store, "partners", user.id)).toBe(true);
    const members = await listGroupMembers(t.store, "partners");
    expect(members).toMatchObject([{ user: { id: user.id }, addedAt: T0, addedBy: admin.id }]);
    expect(await removeGroupMember(t.store, { groupId: "partners", userId: user.id })).toEqual({ ok: true, removed: true });
    expect(await removeGroupMember(t.store, { groupId: "partners", userId: user.id })).toEqual({ ok: true, removed: false });
    expect(await listUserGroups(t.store, user.id)).toEqual(["administrators"]);
  });
});

describe("subscriptions", () => {
  const base = () => ({ productId: "basic", name: "My app", keyPrefix: "dfly", secrets: t.secrets });

  it("creates an active subscription with two working keys and shows them to the owner", async () => {
    const user = await makeUser(t.store);
    const result = await createSubscription(t.store, { ...base(), userId: user.id, state: "active", termsAcceptedAt: T0 }, T0);
    if (!result.ok) throw new Error(result.message);
    const { subscription, primaryKey, secondaryKey } = result;
    expect(isWellFormedKey(primaryKey) && isWellFormedKey(secondaryKey)).toBe(true);
    expect(primaryKey).not.toBe(secondaryKey);
    expect(subscription).toMatchObject({ userId: user.id, productId: "basic", state: "active", activatedAt: T0, termsAcceptedAt: T0, primaryKeyStart: primaryKey.slice(0, 9) });
    expect(subscription).not.toHaveProperty("primaryKeyHash");
    expect(await getSubscriptionKeys(t.store, subscription.id, t.secrets, { ownerId: user.id })).toEqual({ ok: true, primaryKey, secondaryKey });

    const entries = await listActiveKeyEntries(t.store, T0);
    expect(entries).toEqual(
      expect.arrayContaining([
        { hash: hashKey(primaryKey, t.secrets), slot: "primary", subscriptionId: subscription.id, productId: "basic", userId: user.id, expiresAt: null },
        { hash: hashKey(secondaryKey, t.secrets), slot: "secondary", subscriptionId: subscription.id, productId: "basic", userId: user.id, expiresAt: null },
      ]),
    );
    expect(entries).toHaveLength(2);
  });

  it("walks submitted → active → suspended → active → cancelled, with times and comments", async () => {
    const user = await makeUser(t.store);
    const created = await createSubscription(t.store, { ...base(), userId: user.id, state: "submitted" }, T0);
    if (!created.ok) throw new Error(created.message);
    const id = created.subscription.id;
    expect(created.subscription.activatedAt).toBeNull();
    expect(await listActiveKeyEntries(t.store, T0)).toEqual([]);

    expect(await transitionSubscription(t.store, id, "active", { now: at(1), comment: "Welcome" })).toMatchObject({ ok: true, from: "submitted", subscription: { state: "active", activatedAt: at(1), stateComment: "Welcome" } });
    expect(await getKeyEntries(t.store, id, at(1))).toHaveLength(2);
    expect(await transitionSubscription(t.store, id, "suspended", { now: at(2), comment: "Unpaid" })).toMatchObject({ ok: true, from: "active", subscription: { state: "suspended" } });
    expect(await getKeyEntries(t.store, id, at(2))).toEqual([]);
    // Reactivation keeps the first activation time.
    expect(await transitionSubscription(t.store, id, "active", { now: at(3) })).toMatchObject({ ok: true, from: "suspended", subscription: { activatedAt: at(1), stateComment: null } });
    expect(await transitionSubscription(t.store, id, "cancelled", { now: at(4), ownerId: user.id })).toMatchObject({ ok: true, subscription: { state: "cancelled", cancelledAt: at(4) } });
  });

  it("rejects a submitted subscription with a reason", async () => {
    const created = await createSubscription(t.store, { ...base(), userId: null, state: "submitted" }, T0);
    if (!created.ok) throw new Error(created.message);
    expect(await transitionSubscription(t.store, created.subscription.id, "rejected", { comment: "Not a partner", now: at(1) })).toMatchObject({
      ok: true,
      subscription: { state: "rejected", stateComment: "Not a partner" },
    });
  });

  it("lists by user, product and state, and counts open ones per user and product", async () => {
    const a = await makeUser(t.store);
    const b = await makeUser(t.store);
    const mk = async (userId: string, productId: string, state: "active" | "submitted", when: Date) => {
      const r = await createSubscription(t.store, { ...base(), userId, productId, state }, when);
      if (!r.ok) throw new Error(r.message);
      return r.subscription;
    };
    const s1 = await mk(a.id, "basic", "active", at(1));
    const s2 = await mk(a.id, "premium", "submitted", at(2));
    const s3 = await mk(a.id, "basic", "submitted", at(3));
    await mk(b.id, "premium", "submitted", at(4));
    await transitionSubscription(t.store, s1.id, "cancelled", { now: at(5) });

    expect((await listSubscriptions(t.store, { userId: a.id })).subscriptions.map((s) => s.id)).toEqual([s3.id, s2.id, s1.id]);
    const queue = await listSubscriptions(t.store, { state: "submitted", order: "oldest" });
    expect(queue.total).toBe(3);
    expect(queue.subscriptions[0]!.id).toBe(s2.id);
    expect((await listSubscriptions(t.store, { productId: "premium", state: ["submitted", "active"] })).total).toBe(2);
    expect(await countOpenSubscriptions(t.store, a.id, "basic")).toBe(1);
    expect(await countOpenSubscriptions(t.store, a.id, "premium")).toBe(1);
  });

  it("allows a new subscription under the limit", async () => {
    const user = await makeUser(t.store);
    const first = await createSubscription(t.store, { ...base(), userId: user.id, state: "active", limit: 2 }, T0);
    const second = await createSubscription(t.store, { ...base(), userId: user.id, state: "submitted", limit: 2 }, T0);
    expect(first.ok && second.ok).toBe(true);
  });

  it("renames, and regenerates one key without touching the other", async () => {
    const user = await makeUser(t.store);
    const created = await createSubscription(t.store, { ...base(), userId: user.id, state: "active" }, T0);
    if (!created.ok) throw new Error(created.message);
    const id = created.subscription.id;
    expect(await renameSubscription(t.store, id, " Production ", { ownerId: user.id, now: at(1) })).toMatchObject({ ok: true, subscription: { name: "Production", updatedAt: at(1) } });

    const regenerated = await regenerateSubscriptionKey(t.store, id, "primary", { keyPrefix: "dfly", secrets: t.secrets, ownerId: user.id, now: at(2) });
    if (!regenerated.ok) throw new Error(regenerated.message);
    expect(regenerated.key).not.toBe(created.primaryKey);
    expect(regenerated.oldHash).toBe(hashKey(created.primaryKey, t.secrets));
    expect(regenerated.subscription.primaryKeyStart).toBe(regenerated.key.slice(0, 9));
    const hashes = (await listActiveKeyEntries(t.store, at(2))).map((e) => e.hash).sort();
    expect(hashes).toEqual([hashKey(regenerated.key, t.secrets), hashKey(created.secondaryKey, t.secrets)].sort());
    expect(await getSubscriptionKeys(t.store, id, t.secrets)).toEqual({ ok: true, primaryKey: regenerated.key, secondaryKey: created.secondaryKey });
  });

  it("stops listing keys past expiresAt and the sweep marks them expired", async () => {
    const created = await createSubscription(t.store, { ...base(), userId: null, state: "active", expiresAt: at(DAY) }, T0);
    if (!created.ok) throw new Error(created.message);
    expect(await listActiveKeyEntries(t.store, at(DAY - 1))).toMatchObject([{ expiresAt: at(DAY).getTime() }, { expiresAt: at(DAY).getTime() }]);
    expect(await listActiveKeyEntries(t.store, at(DAY))).toEqual([]);
    expect(await expireDueSubscriptions(t.store, at(DAY - 1))).toEqual([]);
    expect(await expireDueSubscriptions(t.store, at(DAY))).toEqual([created.subscription.id]);
    expect((await findSubscription(t.store, created.subscription.id))?.state).toBe("expired");
  });
});

describe("audit log", () => {
  it("appends entries and lists them newest first with filters and a cursor", async () => {
    const admin = await makeUser(t.store);
    await appendAudit(t.store, { actorKind: "admin", actorId: admin.id, action: "subscription.approve", targetType: "subscription", targetId: "s1", data: { comment: "ok" } }, at(1));
    await appendAudit(t.store, { actorKind: "admin", actorId: admin.id, action: "subscription.reject", targetType: "subscription", targetId: "s2" }, at(2));
    await appendAudit(t.store, { actorKind: "system", action: "user.delete", targetType: "user", targetId: "u1" }, at(3));
    await appendAudit(t.store, { actorKind: "cli", action: "subscriptions.export" }, at(4));

    const all = await listAudit(t.store);
    expect(all.entries.map((e) => e.action)).toEqual(["subscriptions.export", "user.delete", "subscription.reject", "subscription.approve"]);
    expect(all.nextCursor).toBeNull();
    expect(all.entries[3]).toMatchObject({ at: at(1), actorKind: "admin", actorId: admin.id, data: { comment: "ok" } });

    expect((await listAudit(t.store, { action: "subscription." })).entries.map((e) => e.targetId)).toEqual(["s2", "s1"]);
    expect((await listAudit(t.store, { actorKind: "system" })).entries).toHaveLength(1);
    expect((await listAudit(t.store, { targetType: "subscription", targetId: "s1" })).entries).toHaveLength(1);
    expect((await listAudit(t.store, { from: at(2), to: at(4) })).entries.map((e) => e.action)).toEqual(["user.delete", "subscription.reject"]);

    const page1 = await listAudit(t.store, { limit: 3 });
    expect(page1.entries).toHaveLength(3);
    const page2 = await listAudit(t.store, { limit: 3, before: page1.nextCursor! });
    expect(page2).toMatchObject({ nextCursor: null, entries: [{ action: "subscription.approve" }] });
  });
});

describe("withTransaction", () => {
  it("commits several repositories' changes together, or none on failure", async () => {
    const user = await makeUser(t.store);
    await expect(
      withTransaction(t.store, async (tx) => {
        await createGroup(tx, { id: "doomed", name: "Doomed" });
        await appendAudit(tx, { actorKind: "admin", actorId: user.id, action: "group.create", targetId: "doomed" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await listGroups(t.store)).toEqual([]);
    expect((await listAudit(t.store)).entries).toEqual([]);

    await withTransaction(t.store, async (tx) => {
      await createGroup(tx, { id: "kept", name: "Kept" });
      await appendAudit(tx, { actorKind: "admin", actorId: user.id, action: "group.create", targetId: "kept" });
    });
    expect((await listGroups(t.store)).map((g) => g.id)).toEqual(["kept"]);
    expect((await listAudit(t.store)).entries).toHaveLength(1);
  });
});
