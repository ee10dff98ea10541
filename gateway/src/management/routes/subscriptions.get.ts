/** GET /api/v1/subscriptions/{id}: one of the caller's subscriptions; anyone else's is 404. */
import { createRoute } from "@hono/zod-openapi";
import { findSubscription } from "../../store/index.ts";
import { notFound, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam, json, SubscriptionSchema } from "../schemas.ts";
import { subscriptionView } from "../views.ts";

export const route = createRoute({
  method: "get",
  path: "/subscriptions/{id}",
  tags: ["subscriptions"],
  summary: "One of my subscriptions",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { params: IdParam },
  responses: { 200: json(SubscriptionSchema, "The subscription."), ...errors(401, 404) },
});

export function registerSubscriptionsGet(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const subscription = await findSubscription(deps.ctx.store, c.req.valid("param").id, { ownerId: auth.user.id });
    if (subscription === null) throw notFound("Subscription");
    return c.json(subscriptionView(subscription, deps.ctx.catalog()), 200);
  });
}
