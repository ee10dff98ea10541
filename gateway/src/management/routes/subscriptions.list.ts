/** GET /api/v1/subscriptions: the caller's own subscriptions, newest first. */
import { createRoute, z } from "@hono/zod-openapi";
import { listSubscriptions } from "../../store/index.ts";
import { requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, json, SubscriptionSchema, SubscriptionStateParam } from "../schemas.ts";
import { subscriptionView } from "../views.ts";

export const SubscriptionListQuery = z.object({ state: SubscriptionStateParam.optional(), product: z.string().max(100).optional() });
export const SubscriptionListSchema = z.object({ subscriptions: z.array(SubscriptionSchema) }).openapi("SubscriptionList");

export const route = createRoute({
  method: "get",
  path: "/subscriptions",
  tags: ["subscriptions"],
  summary: "My subscriptions",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { query: SubscriptionListQuery },
  responses: { 200: json(SubscriptionListSchema, "Newest first."), ...errors(400, 401) },
});

export function registerSubscriptionsList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { state, product } = c.req.valid("query");
    const { subscriptions } = await listSubscriptions(deps.ctx.store, { userId: auth.user.id, state, productId: product, limit: 1000 });
    const catalog = deps.ctx.catalog();
    return c.json({ subscriptions: subscriptions.map((s) => subscriptionView(s, catalog)) }, 200);
  });
}
