/**
 * Reads for the admin pages that the store's repositories answer one row at
 * a time: users by id, the memberships of a page of users, and member counts
 * per group, each in one query.
 */
import { count, inArray, isNull, and, eq } from "drizzle-orm";
import type { StoreHandle, User } from "../store/index.ts";
import { groupMembers, users } from "../store/schema.ts";

export async function usersByIds(store: StoreHandle, ids: readonly string[]): Promise<Map<string, User>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await store.db.select().from(users).where(inArray(users.id, unique));
  return new Map(rows.map((u) => [u.id, u]));
}

export async function membershipsOf(store: StoreHandle, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await store.db
    .select({ userId: groupMembers.userId, groupId: groupMembers.groupId })
    .from(groupMembers)
    .where(inArray(groupMembers.userId, [...userIds]));
  for (const r of rows) out.get(r.userId)?.push(r.groupId);
  for (const list of out.values()) list.sort();
  return out;
}

/** Live members per stored group id. */
export async function memberCounts(store: StoreHandle): Promise<Map<string, number>> {
  const rows = await store.db
    .select({ groupId: groupMembers.groupId, n: count() })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(isNull(users.deletedAt)))
    .groupBy(groupMembers.groupId);
  return new Map(rows.map((r) => [r.groupId, r.n]));
}
