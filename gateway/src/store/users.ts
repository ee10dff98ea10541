/**
 * Accounts as rows: create, find, update, block, delete.
 *
 * E-mail addresses are compared lower-cased (the column's CHECK enforces it),
 * so `Ana@Example.com` and `ana@example.com` are one account. Deleting a user
 * keeps the row, anonymised, so usage and the audit log stay attributable to
 * one nameless account; everything that could act for them (sessions,
 * tokens, memberships, subscriptions) ends in the same transaction.
 */
import { and, asc, count, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { newId } from "./ids.ts";
import { clampLimit, escapeLike, fail, isUniqueViolation, withTransaction, type Failure, type StoreHandle } from "./outcome.ts";
import { groupMembers, oneTimeTokens, sessions, subscriptions, users, type UserRow, type UserState } from "./schema.ts";

export type User = UserRow;

export interface NewUser {
  email: string;
  name?: string;
  passwordHash?: string | null;
  state?: UserState;
  emailVerifiedAt?: Date | null;
  customFields?: Record<string, unknown>;
  oidc?: { issuer: string; subject: string } | null;
}

export interface UserPatch {
  email?: string;
  name?: string;
  passwordHash?: string | null;
  state?: UserState;
  emailVerifiedAt?: Date | null;
  customFields?: Record<string, unknown>;
  oidc?: { issuer: string; subject: string } | null;
}

export type UserResult = { ok: true; user: User } | Failure<"CONFLICT" | "NOT_FOUND" | "VALIDATION_FAILED">;

/** The form in which e-mail addresses are stored and compared. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The placeholder address of a deleted account: unique, and undeliverable by RFC 2606. */
export function anonymisedEmail(userId: string): string {
  return `deleted-${userId}@deleted.invalid`;
}

export async function createUser(store: StoreHandle, input: NewUser, now: Date = new Date()): Promise<UserResult> {
  const email = normalizeEmail(input.email);
  if (email === "" || !email.includes("@")) return fail("VALIDATION_FAILED", "An e-mail address is required.");
  try {
    const [user] = await store.db
      .insert(users)
      .values({
        id: newId(),
        email,
        name: input.name?.trim() ?? "",
        passwordHash: input.passwordHash ?? null,
        state: input.state ?? "active",
        emailVerifiedAt: input.emailVerifiedAt ?? null,
        customFields: input.customFields ?? {},
        oidcIssuer: input.oidc?.issuer ?? null,
        oidcSubject: input.oidc?.subject ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return { ok: true, user: user! };
  } catch (error) {
    // The unique index decides, not a prior SELECT: two sign-ups racing for
    // one address cannot both win.
    if (isUniqueViolation(error)) return conflictFor(error);
    throw error;
  }
}

export async function findUserById(store: StoreHandle, id: string): Promise<User | null> {
  const [user] = await store.db.select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}

/** Live accounts only: a deleted account's address no longer belongs to it. */
export async function findUserByEmail(store: StoreHandle, email: string): Promise<User | null> {
  const [user] = await store.db
    .select()
    .from(users)
    .where(and(eq(users.email, normalizeEmail(email)), isNull(users.deletedAt)))
    .limit(1);
  return user ?? null;
}

export async function findUserByOidc(store: StoreHandle, issuer: string, subject: string): Promise<User | null> {
  const [user] = await store.db
    .select()
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject), isNull(users.deletedAt)))
    .limit(1);
  return user ?? null;
}

export interface ListUsersOptions {
  state?: UserState;
  /** Case-insensitive substring of the e-mail address or the name. */
  search?: string;
  includeDeleted?: boolean;
  limit?: number;
  offset?: number;
}

export async function listUsers(store: StoreHandle, options: ListUsersOptions = {}): Promise<{ users: User[]; total: number }> {
  const conditions: SQL[] = [];
  if (!options.includeDeleted) conditions.push(isNull(users.deletedAt));
  if (options.state !== undefined) conditions.push(eq(users.state, options.state));
  if (options.search !== undefined && options.search.trim() !== "") {
    const pattern = `%${escapeLike(options.search.trim().toLowerCase())}%`;
    conditions.push(
      or(sql`${users.email} like ${pattern} escape '\\'`, sql`lower(${users.name}) like ${pattern} escape '\\'`)!,
    );
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const limit = clampLimit(options.limit, 50, 500);
  const [rows, [total]] = await Promise.all([
    store.db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(limit)
      .offset(Math.max(0, options.offset ?? 0)),
    store.db.select({ n: count() }).from(users).where(where),
  ]);
  return { users: rows, total: total?.n ?? 0 };
}

/** Live accounts; used to decide whether to create the first administrator. */
export async function countUsers(store: StoreHandle): Promise<number> {
  const [row] = await store.db.select({ n: count() }).from(users).where(isNull(users.deletedAt));
  return row?.n ?? 0;
}

/**
 * Changes an account. Blocking it also ends its sessions in the same
 * transaction, so a blocked user is signed out everywhere at once. Changing
 * the password does not: the caller decides which sessions survive (usually
 * all but the current one, via `deleteUserSessions`).
 */
export async function updateUser(store: StoreHandle, id: string, patch: UserPatch, now: Date = new Date()): Promise<UserResult> {
  const values: Partial<typeof users.$inferInsert> = { updatedAt: now };
  if (patch.email !== undefined) {
    const email = normalizeEmail(patch.email);
    if (email === "" || !email.includes("@")) return fail("VALIDATION_FAILED", "An e-mail address is required.");
    values.email = email;
  }
  if (patch.name !== undefined) values.name = patch.name.trim();
  if (patch.passwordHash !== undefined) values.passwordHash = patch.passwordHash;
  if (patch.state !== undefined) values.state = patch.state;
  if (patch.emailVerifiedAt !== undefined) values.emailVerifiedAt = patch.emailVerifiedAt;
  if (patch.customFields !== undefined) values.customFields = patch.customFields;
  if (patch.oidc !== undefined) {
    values.oidcIssuer = patch.oidc?.issuer ?? null;
    values.oidcSubject = patch.oidc?.subject ?? null;
  }
  try {
    return await withTransaction(store, async (tx) => {
      const [user] = await tx.db
        .update(users)
        .set(values)
        .where(and(eq(users.id, id), isNull(users.deletedAt)))
        .returning();
      if (user === undefined) return fail("NOT_FOUND", `No user ${id}.`);
      if (patch.state === "blocked") await tx.db.delete(sessions).where(eq(sessions.userId, id));
      return { ok: true, user } as const;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return conflictFor(error);
    throw error;
  }
}

/** Notes a successful sign-in (shown on the admin users page). */
export async function recordSignIn(store: StoreHandle, id: string, now: Date = new Date()): Promise<void> {
  await store.db.update(users).set({ lastSignInAt: now }).where(eq(users.id, id));
}

export type DeleteUserResult = { ok: true; user: User; cancelledSubscriptionIds: string[] } | Failure<"NOT_FOUND">;

/**
 * Deletes an account the GDPR way: personal data is erased, the row stays.
 * In one transaction: the e-mail becomes `deleted-<id>@deleted.invalid`, name,
 * password, custom fields and OIDC link are cleared, the state is `blocked`;
 * sessions, one-time tokens and group memberships are removed; open
 * subscriptions are cancelled. The cancelled ids are returned so the caller
 * can drop their keys from every gateway's cache at once.
 */
export async function deleteUser(store: StoreHandle, id: string, now: Date = new Date()): Promise<DeleteUserResult> {
  return withTransaction(store, async (tx) => {
    const [user] = await tx.db
      .update(users)
      .set({
        email: anonymisedEmail(id),
        name: "",
        passwordHash: null,
        customFields: {},
        oidcIssuer: null,
        oidcSubject: null,
        state: "blocked",
        updatedAt: now,
        deletedAt: now,
      })
      .where(and(eq(users.id, id), isNull(users.deletedAt)))
      .returning();
    if (user === undefined) return fail("NOT_FOUND", `No user ${id}.`);
    await tx.db.delete(sessions).where(eq(sessions.userId, id));
    await tx.db.delete(oneTimeTokens).where(eq(oneTimeTokens.userId, id));
    await tx.db.delete(groupMembers).where(eq(groupMembers.userId, id));
    const cancelled = await tx.db
      .update(subscriptions)
      .set({ state: "cancelled", stateComment: "Account deleted", cancelledAt: now, updatedAt: now })
      .where(and(eq(subscriptions.userId, id), inArray(subscriptions.state, ["submitted", "active", "suspended"])))
      .returning({ id: subscriptions.id });
    return { ok: true, user, cancelledSubscriptionIds: cancelled.map((s) => s.id) } as const;
  });
}

/** Which unique index refused the row: SQLite names the columns in the message. */
function conflictFor(error: unknown): Failure<"CONFLICT"> {
  let text = "";
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    // Skip drizzle's wrapper: its message quotes the statement and its
    // parameters, which name every column and may hold anything a user typed.
    if (!("query" in e)) text += ` ${e.message}`;
  }
  return /UNIQUE constraint failed: [^\n]*oidc_/.test(text)
    ? fail("CONFLICT", "This sign-in identity is already linked to another account.")
    : fail("CONFLICT", "An account with this e-mail address already exists.");
}
