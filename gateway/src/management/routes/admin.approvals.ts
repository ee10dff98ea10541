/** GET /api/v1/admin/approvals: the approvals queue — submitted requests, oldest first. */
import { createRoute, z } from "@hono/zod-openapi";
import { usersByIds } from "../../accounts/memberships.ts";
import { listSubscriptions } from "../../store/index.ts";
import { administratorsOnly, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, json } from "../schemas.ts";
import { adminSubscriptionView } from "../views.ts";
import { AdminSubscriptionListSchema } from "./admin.subscriptions.list.ts";

export const ApprovalsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional(), offset: z.coerce.number().int().min(0).optional() });

export const route = createRoute({
  method: "get",
  path: "/admin/approvals",
  tags: ["admin"],
  summary: "The approvals queue",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { query: ApprovalsQuery },
  responses: { 200: json(AdminSubscriptionListSchema, "Submitted subscriptions, oldest first."), ...errors(400, 401, 403) },
});

export function registerAdminApprovals(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const q = c.req.valid("query");
    const { subscriptions, total } = await listSubscriptions(deps.ctx.store, { state: "submitted", order: "oldest", limit: q.limit, offset: q.offset });
    const users = await usersByIds(deps.ctx.store, subscriptions.flatMap((s) => (s.userId === null ? [] : [s.userId])));
    const catalog = deps.ctx.catalog();
    return c.json({ subscriptions: subscriptions.map((s) => adminSubscriptionView(s, catalog, users)), total }, 200);
  });
}
