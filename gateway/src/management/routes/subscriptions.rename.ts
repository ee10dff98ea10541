/** PATCH /api/v1/subscriptions/{id}: rename one of the caller's subscriptions. */
import { createRoute, z } from "@hono/zod-openapi";
import { appendAudit, renameSubscription, withTransaction } from "../../store/index.ts";
import { notFound, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors, IdParam, json, SubscriptionSchema } from "../schemas.ts";
import { subscriptionView } from "../views.ts";

export const SubscriptionRenameBody = z
  .strictObject({ name: z.string({ error: "A name is required." }).trim().min(1, "A name cannot be empty.").max(100, "A name has at most 100 characters.") })
  .openapi("SubscriptionRename");

export const route = createRoute({
  method: "patch",
  path: "/subscriptions/{id}",
  tags: ["subscriptions"],
  summary: "Rename one of my subscriptions",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { params: IdParam, body: body(SubscriptionRenameBody) },
  responses: { 200: json(SubscriptionSchema, "The renamed subscription."), ...errors(400, 401, 404) },
});

export function registerSubscriptionsRename(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { id } = c.req.valid("param");
    const { name } = c.req.valid("json");
    const result = await withTransaction(deps.ctx.store, async (tx) => {
      const r = await renameSubscription(tx, id, name, { ownerId: auth.user.id });
      if (r.ok) await appendAudit(tx, { actorKind: "user", actorId: auth.user.id, action: "subscription.rename", targetType: "subscription", targetId: id, data: { name } });
      return r;
    });
    if (!result.ok) throw notFound("Subscription");
    return c.json(subscriptionView(result.subscription, deps.ctx.catalog()), 200);
  });
}
