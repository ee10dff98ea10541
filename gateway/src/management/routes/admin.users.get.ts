/** GET /api/v1/admin/users/{id}: one account with its memberships and subscriptions. */
import { createRoute, z } from "@hono/zod-openapi";
import { findUserById, listSubscriptions, listUserGroups } from "../../store/index.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AdminUserSchema, errors, IdParam, json, SubscriptionSchema } from "../schemas.ts";
import { adminUserView, subscriptionView } from "../views.ts";

export const AdminUserDetailSchema = AdminUserSchema.extend({ subscriptions: z.array(SubscriptionSchema) }).openapi("UserDetail");

export const route = createRoute({
  method: "get",
  path: "/admin/users/{id}",
  tags: ["admin"],
  summary: "One user",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam },
  responses: { 200: json(AdminUserDetailSchema, "The user."), ...errors(401, 403, 404) },
});

export function registerAdminUsersGet(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid("param");
    const user = await findUserById(deps.ctx.store, id);
    if (user === null || user.deletedAt !== null) throw notFound("User");
    const [groups, { subscriptions }] = await Promise.all([listUserGroups(deps.ctx.store, id), listSubscriptions(deps.ctx.store, { userId: id, limit: 1000 })]);
    const catalog = deps.ctx.catalog();
    return c.json({ ...adminUserView(user, groups), subscriptions: subscriptions.map((s) => subscriptionView(s, catalog)) }, 200);
  });
}
