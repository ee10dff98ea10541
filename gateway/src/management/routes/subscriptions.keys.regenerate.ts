/**
 * POST /api/v1/subscriptions/{id}/keys/{slot}/regenerate: replaces the
 * primary or the secondary key and answers with the new one. The old key
 * stops working in the gateway before this answers; the other key keeps
 * working, so a client can rotate without downtime. Audited.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { anA } from "../../accounts/subscription-actions.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, findSubscription, regenerateSubscriptionKey, withTransaction } from "../../store/index.ts";
import { notFound, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam, json } from "../schemas.ts";

export const RegenerateParams = IdParam.extend({
  slot: z.enum(["primary", "secondary"], { error: "The key is primary or secondary." }).openapi({ param: { name: "slot", in: "path" } }),
});

export const RegeneratedKeySchema = z
  .object({ slot: z.enum(["primary", "secondary"]), key: z.string(), keyStart: z.string() })
  .openapi("RegeneratedKey");

export const route = createRoute({
  method: "post",
  path: "/subscriptions/{id}/keys/{slot}/regenerate",
  tags: ["subscriptions"],
  summary: "Regenerate one of my subscription's keys",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { params: RegenerateParams },
  responses: { 200: json(RegeneratedKeySchema, "The new key."), ...errors(400, 401, 404, 409) },
});

/** A subscription in one of these states can never work again; a new key for it would be pointless. */
const FINAL = new Set(["rejected", "cancelled", "expired"]);

export function registerSubscriptionsKeysRegenerate(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { id, slot } = c.req.valid("param");
    const result = await withTransaction(ctx.store, async (tx) => {
      const current = await findSubscription(tx, id, { ownerId: auth.user.id });
      if (current === null) return null;
      if (FINAL.has(current.state)) return current.state;
      const r = await regenerateSubscriptionKey(tx, id, slot, { ownerId: auth.user.id, keyPrefix: ctx.catalog().portal.keyPrefix, secrets: ctx.secrets });
      if (r.ok) await appendAudit(tx, { actorKind: "user", actorId: auth.user.id, action: "subscription.key.regenerate", targetType: "subscription", targetId: id, data: { slot } });
      return r;
    });
    if (result === null || (typeof result === "object" && !result.ok)) throw notFound("Subscription");
    if (typeof result === "string") throw new PorticoError(ErrorCode.INVALID_STATE_TRANSITION, `${anA(result)} ${result} subscription's keys cannot be regenerated.`);
    await ctx.subscriptionChanged(id);
    return c.json({ slot, key: result.key, keyStart: slot === "primary" ? result.subscription.primaryKeyStart : result.subscription.secondaryKeyStart }, 200);
  });
}
