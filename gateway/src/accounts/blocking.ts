/**
 * Blocking and unblocking an account. A blocked user cannot sign in (the
 * store ends their sessions in the same transaction) and, as in API
 * Management, cannot call APIs either: their active subscriptions are
 * suspended with a recognisable comment, so that unblocking reactivates
 * exactly those and not ones an administrator suspended for another reason.
 */
import {
  appendAudit,
  findUserById,
  listSubscriptions,
  transitionSubscription,
  updateUser,
  withTransaction,
  type Failure,
  type User,
} from "../store/index.ts";
import type { ActionDeps, Actor } from "./subscription-actions.ts";

export const ACCOUNT_BLOCKED_COMMENT = "Account blocked";

export async function setUserBlocked(
  deps: Pick<ActionDeps, "store" | "subscriptionChanged">,
  userId: string,
  blocked: boolean,
  actor: Actor,
  reason?: string,
): Promise<{ ok: true; user: User } | Failure<"NOT_FOUND">> {
  const changed: string[] = [];
  const result = await withTransaction(deps.store, async (tx) => {
    const user = await findUserById(tx, userId);
    if (user === null || user.deletedAt !== null) return { ok: false as const, code: "NOT_FOUND" as const, message: "User not found." };
    // Unblocking an invitation nobody accepted yet puts it back to waiting.
    const state = blocked ? "blocked" : user.passwordHash === null && user.oidcSubject === null ? "invited" : "active";
    if (user.state === state) return { ok: true as const, user };
    const updated = await updateUser(tx, userId, { state });
    if (!updated.ok) return { ok: false as const, code: "NOT_FOUND" as const, message: "User not found." };
    await appendAudit(tx, {
      actorKind: actor.kind,
      actorId: actor.id,
      action: blocked ? "user.block" : "user.unblock",
      targetType: "user",
      targetId: userId,
      data: reason ? { reason } : {},
    });
    const { subscriptions } = await listSubscriptions(tx, { userId, state: blocked ? "active" : "suspended", limit: 1000 });
    for (const s of subscriptions) {
      if (!blocked && s.stateComment !== ACCOUNT_BLOCKED_COMMENT) continue;
      const moved = await transitionSubscription(tx, s.id, blocked ? "suspended" : "active", { comment: blocked ? ACCOUNT_BLOCKED_COMMENT : null });
      if (!moved.ok) continue;
      changed.push(s.id);
      await appendAudit(tx, {
        actorKind: actor.kind,
        actorId: actor.id,
        action: blocked ? "subscription.suspend" : "subscription.reactivate",
        targetType: "subscription",
        targetId: s.id,
        data: { from: moved.from, to: moved.subscription.state, reason: ACCOUNT_BLOCKED_COMMENT },
      });
    }
    return { ok: true as const, user: updated.user };
  });
  for (const id of changed) await deps.subscriptionChanged(id);
  return result;
}
