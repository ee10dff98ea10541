/** POST /api/v1/admin/users/{id}/unblock: the account may sign in again; subscriptions suspended by the block are reactivated. */
import { createRoute } from "@hono/zod-openapi";
import { setUserBlocked } from "../../accounts/blocking.ts";
import { listUserGroups } from "../../store/index.ts";
import { administratorsOnly, fail, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AdminUserSchema, errors, IdParam, json } from "../schemas.ts";
import { adminUserView } from "../views.ts";

export const route = createRoute({
  method: "post",
  path: "/admin/users/{id}/unblock",
  tags: ["admin"],
  summary: "Unblock a user",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam },
  responses: { 200: json(AdminUserSchema, "The user."), ...errors(401, 403, 404, 409) },
});

export function registerAdminUsersUnblock(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    const result = await setUserBlocked(deps.actions, id, false, { kind: "admin", id: admin.user.id });
    if (!result.ok) fail(result);
    return c.json(adminUserView(result.user, await listUserGroups(deps.ctx.store, id)), 200);
  });
}
