/** PATCH /api/v1/admin/groups/{id}: rename or describe a group made through the API (the others live in content). */
import { createRoute, z } from "@hono/zod-openapi";
import { memberCounts } from "../../accounts/memberships.ts";
import { appendAudit, updateGroup, withTransaction } from "../../store/index.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { readOnlyGroup } from "./admin.groups.list.ts";
import { body, errors, GroupSchema, IdParam, json } from "../schemas.ts";

export const GroupUpdateBody = z
  .strictObject({ name: z.string().trim().min(1, "A name cannot be empty.").max(100).optional(), description: z.string().trim().max(1000).optional() })
  .openapi("GroupUpdate");

export const route = createRoute({
  method: "patch",
  path: "/admin/groups/{id}",
  tags: ["admin"],
  summary: "Change a group",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam, body: body(GroupUpdateBody) },
  responses: { 200: json(GroupSchema, "The group."), ...errors(400, 401, 403, 404, 409) },
});

export function registerAdminGroupsUpdate(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    const group = deps.ctx.catalog().groups[id];
    if (group !== undefined) throw readOnlyGroup(id, group.source);
    const patch = c.req.valid("json");
    const result = await withTransaction(deps.ctx.store, async (tx) => {
      const r = await updateGroup(tx, id, patch);
      if (r.ok) await appendAudit(tx, { actorKind: "admin", actorId: admin.user.id, action: "group.update", targetType: "group", targetId: id, data: patch });
      return r;
    });
    if (!result.ok) throw notFound("Group");
    const g = result.group;
    const counts = await memberCounts(deps.ctx.store);
    return c.json({ id: g.id, name: g.name, description: g.description, source: "api" as const, memberCount: counts.get(id) ?? 0 }, 200);
  });
}
