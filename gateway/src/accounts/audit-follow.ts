/**
 * Reads audit entries about subscriptions newer than a cursor. Every
 * subscription change is audited in the same transaction as the change, so
 * following the log tells this process about changes it did not make
 * itself (`portico admin approve` run beside a live service, another control
 * node on the same database) and lets it refresh those keys at once.
 *
 * The store's listAudit pages backwards (newest first); following needs the
 * other direction, which is this one query.
 */
import { and, asc, eq, gt, max } from "drizzle-orm";
import type { StoreHandle } from "../store/index.ts";
import { auditLog } from "../store/schema.ts";

export async function latestAuditId(store: StoreHandle): Promise<number> {
  const [row] = await store.db.select({ id: max(auditLog.id) }).from(auditLog);
  return row?.id ?? 0;
}

/** Subscription ids changed after `afterId`, and the new cursor. */
export async function subscriptionChangesSince(store: StoreHandle, afterId: number, limit = 500): Promise<{ ids: string[]; cursor: number }> {
  const rows = await store.db
    .select({ id: auditLog.id, targetId: auditLog.targetId })
    .from(auditLog)
    .where(and(gt(auditLog.id, afterId), eq(auditLog.targetType, "subscription")))
    .orderBy(asc(auditLog.id))
    .limit(limit);
  const ids = [...new Set(rows.map((r) => r.targetId).filter((id): id is string => id !== null))];
  return { ids, cursor: rows.length > 0 ? rows[rows.length - 1]!.id : afterId };
}
