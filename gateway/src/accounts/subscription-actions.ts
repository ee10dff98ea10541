/**
 * Administrators' decisions on subscriptions, shared by the admin routes
 * and `portico admin`: one transaction changes the state and writes the
 * audit entry, then every gateway drops or picks up the keys, then the
 * subscriber gets an e-mail.
 *
 * Each decision names the one state it starts from. The store's guarded
 * UPDATE would also let "approve" reactivate a suspended subscription (both
 * end in `active`); checking the start state in the same write transaction
 * keeps approve for requests and reactivate for suspensions.
 */
import type { Logger } from "../log.ts";
import type { Catalog } from "../model/catalog.ts";
import {
  appendAudit,
  findSubscription,
  findUserById,
  transitionSubscription,
  withTransaction,
  type ActorKind,
  type Store,
  type Subscription,
  type SubscriptionState,
  type TransitionResult,
} from "../store/index.ts";
import { subscriptionMail, type SubscriptionEvent } from "./email/templates.ts";
import type { Notifier } from "./notifier.ts";

export type AdminDecision = "approve" | "reject" | "suspend" | "reactivate" | "cancel";

export interface Actor {
  kind: ActorKind;
  /** The acting user; null for the system and the CLI. */
  id: string | null;
}

const DECISIONS: Record<AdminDecision, { from: readonly SubscriptionState[]; to: SubscriptionState; event: SubscriptionEvent; verb: string }> = {
  approve: { from: ["submitted"], to: "active", event: "approved", verb: "approved" },
  reject: { from: ["submitted"], to: "rejected", event: "rejected", verb: "rejected" },
  suspend: { from: ["active"], to: "suspended", event: "suspended", verb: "suspended" },
  reactivate: { from: ["suspended"], to: "active", event: "reactivated", verb: "reactivated" },
  cancel: { from: ["submitted", "active", "suspended"], to: "cancelled", event: "cancelled", verb: "cancelled" },
};

/** "An active", "A submitted": the article for a state name. */
export function anA(word: string): string {
  return /^[aeiou]/.test(word) ? "An" : "A";
}

export interface ActionDeps {
  store: Store;
  catalog: () => Catalog;
  notifier: Notifier;
  logger: Logger;
  /** Refreshes the subscription's keys in every gateway. */
  subscriptionChanged(id: string): Promise<void>;
}

/**
 * Moves a subscription's state for an owner or an administrator, with its
 * audit entry, in one transaction. `ownerId` limits it to that user's
 * subscriptions (anyone else's is NOT_FOUND).
 */
export async function changeSubscriptionState(
  store: Store,
  input: { id: string; decision: AdminDecision; actor: Actor; reason?: string | null; ownerId?: string },
): Promise<TransitionResult> {
  const rule = DECISIONS[input.decision];
  return withTransaction(store, async (tx): Promise<TransitionResult> => {
    const current = await findSubscription(tx, input.id, { ownerId: input.ownerId });
    if (current === null) return { ok: false, code: "NOT_FOUND", message: "Subscription not found." };
    if (!rule.from.includes(current.state)) {
      return {
        ok: false,
        code: "INVALID_STATE_TRANSITION",
        message: `${anA(current.state)} ${current.state} subscription cannot be ${rule.verb}.`,
        from: current.state,
        to: rule.to,
      };
    }
    const result = await transitionSubscription(tx, input.id, rule.to, { comment: input.reason ?? null, ownerId: input.ownerId });
    if (!result.ok) return result;
    await appendAudit(tx, {
      actorKind: input.actor.kind,
      actorId: input.actor.id,
      action: `subscription.${input.decision}`,
      targetType: "subscription",
      targetId: input.id,
      data: { from: result.from, to: rule.to, ...(input.reason ? { reason: input.reason } : {}) },
    });
    return result;
  });
}

/**
 * An administrator's decision: the state change (see above), the gateways
 * told, and the subscriber e-mailed. The e-mail never holds a key.
 */
export async function decideSubscription(
  deps: ActionDeps,
  input: { id: string; decision: AdminDecision; actor: Actor; reason?: string | null },
): Promise<TransitionResult> {
  const result = await changeSubscriptionState(deps.store, input);
  if (!result.ok) return result;
  await deps.subscriptionChanged(input.id);
  await notifySubscriber(deps, result.subscription, DECISIONS[input.decision].event, input.reason ?? null);
  return result;
}

/** E-mails the owner about their subscription; nothing when it has no (live) owner. */
export async function notifySubscriber(
  deps: Pick<ActionDeps, "store" | "catalog" | "notifier">,
  subscription: Subscription,
  event: SubscriptionEvent,
  reason: string | null,
): Promise<void> {
  if (subscription.userId === null) return;
  const user = await findUserById(deps.store, subscription.userId);
  if (user === null || user.deletedAt !== null) return;
  const product = deps.catalog().products[subscription.productId];
  await deps.notifier.send(user.email, (brand) =>
    subscriptionMail(brand, event, {
      name: user.name || undefined,
      subscriptionName: subscription.name,
      productTitle: product?.title ?? subscription.productId,
      reason,
    }),
  );
}
