/** GET /api/v1/admin/subscriptions: every subscription, filtered by state, product or user, newest first. */
import { createRoute, z } from "@hono/zod-openapi";
import { usersByIds } from "../../accounts/memberships.ts";
import { listSubscriptions } from "../../store/index.ts";
import { administratorsOnly, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AdminSubscriptionSchema, errors, json, SubscriptionStateParam } from "../schemas.ts";
import { adminSubscriptionView } from "../views.ts";

export const AdminSubscriptionsQuery = z.object({
  state: SubscriptionStateParam.optional(),
  product: z.string().max(100).optional(),
  user: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export const AdminSubscriptionListSchema = z
  .object({ subscriptions: z.array(AdminSubscriptionSchema), total: z.number().int() })
  .openapi("AdminSubscriptionList");

export const route = createRoute({
  method: "get",
  path: "/admin/subscriptions",
  tags: ["admin"],
  summary: "All subscriptions",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { query: AdminSubscriptionsQuery },
  responses: { 200: json(AdminSubscriptionListSchema, "Newest first."), ...errors(400, 401, 403) },
});

export function registerAdminSubscriptionsList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const q = c.req.valid("query");
    const { subscriptions, total } = await listSubscriptions(deps.ctx.store, { state: q.state, productId: q.product, userId: q.user, limit: q.limit, offset: q.offset });
    const users = await usersByIds(deps.ctx.store, subscriptions.flatMap((s) => (s.userId === null ? [] : [s.userId])));
    const catalog = deps.ctx.catalog();
    return c.json({ subscriptions: subscriptions.map((s) => adminSubscriptionView(s, catalog, users)), total }, 200);
  });
}
