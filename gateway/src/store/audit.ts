/**
 * The audit log: who did what to what, and when. Append-only from the
 * application's side; entries are never edited.
 *
 * `data` holds the details of an action (a rejection reason, the fields
 * changed). It must never hold a secret: no keys, tokens or passwords,
 * which is the caller's duty since only the caller knows its fields.
 */
import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { clampLimit, escapeLike, type StoreHandle } from "./outcome.ts";
import { auditLog, type ActorKind, type AuditRow } from "./schema.ts";

export type AuditEntry = AuditRow;

export interface NewAuditEntry {
  actorKind: ActorKind;
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  data?: Record<string, unknown>;
}

export async function appendAudit(store: StoreHandle, entry: NewAuditEntry, now: Date = new Date()): Promise<AuditEntry> {
  const [row] = await store.db
    .insert(auditLog)
    .values({
      at: now,
      actorKind: entry.actorKind,
      actorId: entry.actorId ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      data: entry.data ?? {},
    })
    .returning();
  return row!;
}

export interface AuditFilter {
  actorId?: string;
  actorKind?: ActorKind;
  /** Exact action, or a prefix ending in `.`: `subscription.` lists every subscription action. */
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Cursor: entries older than this id (the previous page's `nextCursor`). */
  before?: number;
  limit?: number;
}

/** Newest first, a page at a time; `nextCursor` is null on the last page. */
export async function listAudit(
  store: StoreHandle,
  filter: AuditFilter = {},
): Promise<{ entries: AuditEntry[]; nextCursor: number | null }> {
  const conditions: SQL[] = [];
  if (filter.actorId !== undefined) conditions.push(eq(auditLog.actorId, filter.actorId));
  if (filter.actorKind !== undefined) conditions.push(eq(auditLog.actorKind, filter.actorKind));
  if (filter.action !== undefined) {
    conditions.push(
      filter.action.endsWith(".")
        ? sql`${auditLog.action} like ${`${escapeLike(filter.action)}%`} escape '\\'`
        : eq(auditLog.action, filter.action),
    );
  }
  if (filter.targetType !== undefined) conditions.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId !== undefined) conditions.push(eq(auditLog.targetId, filter.targetId));
  if (filter.from !== undefined) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to !== undefined) conditions.push(lt(auditLog.at, filter.to));
  if (filter.before !== undefined) conditions.push(lt(auditLog.id, filter.before));
  const limit = clampLimit(filter.limit, 50, 500);
  // One extra row tells whether there is a next page without a count query.
  const rows = await store.db
    .select()
    .from(auditLog)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, nextCursor: rows.length > limit ? entries[entries.length - 1]!.id : null };
}
