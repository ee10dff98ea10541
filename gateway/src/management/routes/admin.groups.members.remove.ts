/** DELETE /api/v1/admin/groups/{id}/members/{userId}: removes a member (an administrator cannot remove themselves from administrators). */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, removeGroupMember, withTransaction } from "../../store/index.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam } from "../schemas.ts";
import { assignableGroup } from "./admin.groups.list.ts";

export const MemberParams = IdParam.extend({ userId: z.string().min(1).max(100).openapi({ param: { name: "userId", in: "path" } }) });

export const route = createRoute({
  method: "delete",
  path: "/admin/groups/{id}/members/{userId}",
  tags: ["admin"],
  summary: "Remove a member",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: MemberParams },
  responses: { 204: { description: "Removed." }, ...errors(401, 403, 404, 409) },
});

export function registerAdminGroupsMembersRemove(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id, userId } = c.req.valid("param");
    if (id === "administrators" && userId === admin.user.id) {
      throw new PorticoError(ErrorCode.CONFLICT, "You cannot remove yourself from administrators; ask another administrator.");
    }
    if (!(await assignableGroup(deps.ctx, id))) throw notFound("Group");
    const result = await withTransaction(deps.ctx.store, async (tx) => {
      const r = await removeGroupMember(tx, { groupId: id, userId });
      if (r.removed) await appendAudit(tx, { actorKind: "admin", actorId: admin.user.id, action: "group.member.remove", targetType: "user", targetId: userId, data: { group: id } });
      return r;
    });
    if (!result.removed) throw notFound("User");
    return c.body(null, 204);
  });
}
