/** DELETE /api/v1/admin/groups/{id}: delete a group made through the API, with its memberships. */
import { createRoute } from "@hono/zod-openapi";
import { appendAudit, deleteGroup, withTransaction } from "../../store/index.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { readOnlyGroup } from "./admin.groups.list.ts";
import { errors, IdParam } from "../schemas.ts";

export const route = createRoute({
  method: "delete",
  path: "/admin/groups/{id}",
  tags: ["admin"],
  summary: "Delete a group",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted." }, ...errors(401, 403, 404, 409) },
});

export function registerAdminGroupsDelete(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    const group = deps.ctx.catalog().groups[id];
    if (group !== undefined) throw readOnlyGroup(id, group.source);
    const result = await withTransaction(deps.ctx.store, async (tx) => {
      const r = await deleteGroup(tx, id);
      if (r.ok) await appendAudit(tx, { actorKind: "admin", actorId: admin.user.id, action: "group.delete", targetType: "group", targetId: id });
      return r;
    });
    if (!result.ok) throw notFound("Group");
    return c.body(null, 204);
  });
}
