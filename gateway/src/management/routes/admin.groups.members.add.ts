/**
 * POST /api/v1/admin/groups/{id}/members {userId}: adds a member. Adding
 * someone already in the group is no error. The member sees what the group
 * may see from their next request.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { addGroupMember, appendAudit, findUserById, withTransaction } from "../../store/index.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors, IdParam, json } from "../schemas.ts";
import { assignableGroup, IMPLICIT_GROUPS } from "./admin.groups.list.ts";

export const MemberAddBody = z.strictObject({ userId: z.string({ error: "A userId is required." }).min(1).max(100) }).openapi("MemberAdd");
export const MembershipSchema = z.object({ groupId: z.string(), userId: z.string(), added: z.boolean() }).openapi("Membership");

export const route = createRoute({
  method: "post",
  path: "/admin/groups/{id}/members",
  tags: ["admin"],
  summary: "Add a member",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam, body: body(MemberAddBody) },
  responses: { 200: json(MembershipSchema, "added is false when they already were a member."), ...errors(400, 401, 403, 404, 409) },
});

export function registerAdminGroupsMembersAdd(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    const { userId } = c.req.valid("json");
    if (IMPLICIT_GROUPS.has(id)) throw new PorticoError(ErrorCode.CONFLICT, `Members of "${id}" are implied; nobody can be added to it.`);
    if (!(await assignableGroup(deps.ctx, id))) throw notFound("Group");
    const user = await findUserById(deps.ctx.store, userId);
    if (user === null || user.deletedAt !== null) throw notFound("User");
    const result = await withTransaction(deps.ctx.store, async (tx) => {
      const r = await addGroupMember(tx, { groupId: id, userId, addedBy: admin.user.id });
      if (r.ok && r.added) await appendAudit(tx, { actorKind: "admin", actorId: admin.user.id, action: "group.member.add", targetType: "user", targetId: userId, data: { group: id } });
      return r;
    });
    if (!result.ok) throw notFound("User");
    return c.json({ groupId: id, userId, added: result.added }, 200);
  });
}
