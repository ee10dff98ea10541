/**
 * POST /api/v1/admin/users/{id}/block: the account can no longer sign in
 * (its sessions end at once) and its active subscriptions are suspended,
 * so its keys stop working too; unblocking reactivates exactly those.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ACCOUNT_BLOCKED_COMMENT, setUserBlocked } from "../../accounts/blocking.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { listUserGroups } from "../../store/index.ts";
import { administratorsOnly, fail, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AdminUserSchema, body, errors, IdParam, json } from "../schemas.ts";
import { adminUserView } from "../views.ts";

export const BlockBody = z.strictObject({ reason: z.string().trim().max(500).optional() }).openapi("Block");

export const route = createRoute({
  method: "post",
  path: "/admin/users/{id}/block",
  tags: ["admin"],
  summary: "Block a user",
  description: `Active subscriptions become suspended with the comment "${ACCOUNT_BLOCKED_COMMENT}".`,
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam, body: body(BlockBody) },
  responses: { 200: json(AdminUserSchema, "The blocked user."), ...errors(401, 403, 404, 409) },
});

export function registerAdminUsersBlock(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    if (id === admin.user.id) throw new PorticoError(ErrorCode.CONFLICT, "You cannot block your own account.");
    const result = await setUserBlocked(deps.actions, id, true, { kind: "admin", id: admin.user.id }, c.req.valid("json").reason);
    if (!result.ok) fail(result);
    return c.json(adminUserView(result.user, await listUserGroups(deps.ctx.store, id)), 200);
  });
}
