/**
 * Deleting an account, for its owner and for administrators alike: the
 * store erases the personal data and cancels open subscriptions in one
 * transaction, which also records who did it, and then every gateway drops
 * the cancelled keys.
 */
import { appendAudit, deleteUser, withTransaction, type DeleteUserResult, type Store } from "../store/index.ts";
import type { Actor } from "./subscription-actions.ts";

export async function deleteAccount(
  deps: { store: Store; subscriptionChanged(id: string): Promise<void> },
  userId: string,
  actor: Actor,
): Promise<DeleteUserResult> {
  const result = await withTransaction(deps.store, async (tx) => {
    const r = await deleteUser(tx, userId);
    if (!r.ok) return r;
    await appendAudit(tx, { actorKind: actor.kind, actorId: actor.id, action: "user.delete", targetType: "user", targetId: userId });
    for (const id of r.cancelledSubscriptionIds) {
      await appendAudit(tx, {
        actorKind: actor.kind,
        actorId: actor.id,
        action: "subscription.cancel",
        targetType: "subscription",
        targetId: id,
        data: { to: "cancelled", reason: "Account deleted" },
      });
    }
    return r;
  });
  if (result.ok) for (const id of result.cancelledSubscriptionIds) await deps.subscriptionChanged(id);
  return result;
}
