/**
 * Custom groups made through the management API, and group membership.
 *
 * Membership rows may name any group id: a built-in one (`administrators`),
 * one from groups.yaml, or one made here. Whether an id is a real group is
 * the caller's check against the catalog plus `listGroups`; the store only
 * records who is in what. `developers` and `guests` are implicit and never
 * stored.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { fail, isForeignKeyViolation, isUniqueViolation, withTransaction, type Failure, type StoreHandle } from "./outcome.ts";
import { groupMembers, groups, users, type GroupRow } from "./schema.ts";
import type { User } from "./users.ts";

export type Group = GroupRow;

/** Lower-case slug: it appears in content files (product `groups:`) and URLs. */
export const GROUP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export async function createGroup(
  store: StoreHandle,
  input: { id: string; name: string; description?: string },
  now: Date = new Date(),
): Promise<{ ok: true; group: Group } | Failure<"CONFLICT" | "VALIDATION_FAILED">> {
  if (!GROUP_ID_PATTERN.test(input.id)) {
    return fail("VALIDATION_FAILED", `Group id "${input.id}" must be lower-case letters, digits and dashes (at most 63).`);
  }
  try {
    const [group] = await store.db
      .insert(groups)
      .values({ id: input.id, name: input.name.trim(), description: input.description?.trim() ?? "", createdAt: now })
      .returning();
    return { ok: true, group: group! };
  } catch (error) {
    if (isUniqueViolation(error)) return fail("CONFLICT", `A group "${input.id}" already exists.`);
    throw error;
  }
}

export async function findGroup(store: StoreHandle, id: string): Promise<Group | null> {
  const [group] = await store.db.select().from(groups).where(eq(groups.id, id)).limit(1);
  return group ?? null;
}

export async function listGroups(store: StoreHandle): Promise<Group[]> {
  return store.db.select().from(groups).orderBy(asc(groups.name), asc(groups.id));
}

export async function updateGroup(
  store: StoreHandle,
  id: string,
  patch: { name?: string; description?: string },
): Promise<{ ok: true; group: Group } | Failure<"NOT_FOUND">> {
  const set: Partial<Group> = {};
  if (patch.name !== undefined) set.name = patch.name.trim();
  if (patch.description !== undefined) set.description = patch.description.trim();
  if (Object.keys(set).length === 0) {
    const group = await findGroup(store, id);
    return group === null ? fail("NOT_FOUND", `No group ${id}.`) : { ok: true, group };
  }
  const [group] = await store.db.update(groups).set(set).where(eq(groups.id, id)).returning();
  return group === undefined ? fail("NOT_FOUND", `No group ${id}.`) : { ok: true, group };
}

/** Deletes a custom group and its memberships together (there is no FK to cascade). */
export async function deleteGroup(store: StoreHandle, id: string): Promise<{ ok: true } | Failure<"NOT_FOUND">> {
  return withTransaction(store, async (tx) => {
    const result = await tx.db.delete(groups).where(eq(groups.id, id));
    if (result.rowsAffected === 0) return fail("NOT_FOUND", `No group ${id}.`);
    await tx.db.delete(groupMembers).where(eq(groupMembers.groupId, id));
    return { ok: true } as const;
  });
}

/** Ids of the groups a user is a member of (stored memberships only), sorted. */
export async function listUserGroups(store: StoreHandle, userId: string): Promise<string[]> {
  const rows = await store.db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId))
    .orderBy(asc(groupMembers.groupId));
  return rows.map((r) => r.groupId);
}

export interface GroupMember {
  user: User;
  addedAt: Date;
  addedBy: string | null;
}

/** Live members of a group, in the order they were added. */
export async function listGroupMembers(store: StoreHandle, groupId: string): Promise<GroupMember[]> {
  const rows = await store.db
    .select({ user: users, addedAt: groupMembers.addedAt, addedBy: groupMembers.addedBy })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, groupId), isNull(users.deletedAt)))
    .orderBy(asc(groupMembers.addedAt), asc(users.id));
  return rows;
}

export async function isGroupMember(store: StoreHandle, groupId: string, userId: string): Promise<boolean> {
  const [row] = await store.db
    .select({ groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .limit(1);
  return row !== undefined;
}

/**
 * Adds a member. Idempotent: adding someone already in the group is
 * `added: false`, not an error, so a retried request does no harm.
 */
export async function addGroupMember(
  store: StoreHandle,
  input: { groupId: string; userId: string; addedBy?: string | null },
  now: Date = new Date(),
): Promise<{ ok: true; added: boolean } | Failure<"NOT_FOUND">> {
  try {
    const result = await store.db
      .insert(groupMembers)
      .values({ groupId: input.groupId, userId: input.userId, addedAt: now, addedBy: input.addedBy ?? null })
      .onConflictDoNothing();
    return { ok: true, added: result.rowsAffected > 0 };
  } catch (error) {
    if (isForeignKeyViolation(error)) return fail("NOT_FOUND", `No user ${input.userId}.`);
    throw error;
  }
}

/** Removes a member; `removed: false` when they were not in the group. */
export async function removeGroupMember(
  store: StoreHandle,
  input: { groupId: string; userId: string },
): Promise<{ ok: true; removed: boolean }> {
  const result = await store.db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, input.groupId), eq(groupMembers.userId, input.userId)));
  return { ok: true, removed: result.rowsAffected > 0 };
}
