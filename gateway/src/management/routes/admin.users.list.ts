/** GET /api/v1/admin/users: accounts, filtered by state or a search of address and name, a page at a time. */
import { createRoute, z } from "@hono/zod-openapi";
import { membershipsOf } from "../../accounts/memberships.ts";
import { listUsers, USER_STATES } from "../../store/index.ts";
import { administratorsOnly, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AdminUserSchema, errors, json } from "../schemas.ts";
import { adminUserView } from "../views.ts";

export const AdminUsersQuery = z.object({
  state: z.enum(USER_STATES).optional(),
  search: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

export const AdminUserListSchema = z.object({ users: z.array(AdminUserSchema), total: z.number().int() }).openapi("UserList");

export const route = createRoute({
  method: "get",
  path: "/admin/users",
  tags: ["admin"],
  summary: "Users",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { query: AdminUsersQuery },
  responses: { 200: json(AdminUserListSchema, "Oldest first."), ...errors(400, 401, 403) },
});

export function registerAdminUsersList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const q = c.req.valid("query");
    const { users, total } = await listUsers(deps.ctx.store, q);
    const memberships = await membershipsOf(deps.ctx.store, users.map((u) => u.id));
    return c.json({ users: users.map((u) => adminUserView(u, memberships.get(u.id) ?? [])), total }, 200);
  });
}
