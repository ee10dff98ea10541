/** GET /api/v1/admin/groups/{id}/members: the members of a group that has stored members. */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { listGroupMembers } from "../../store/index.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam, json } from "../schemas.ts";
import { iso } from "../views.ts";
import { assignableGroup, IMPLICIT_GROUPS } from "./admin.groups.list.ts";

export const MemberListSchema = z
  .object({
    members: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), state: z.string(), addedAt: z.string(), addedBy: z.string().nullable() })),
  })
  .openapi("GroupMembers");

export const route = createRoute({
  method: "get",
  path: "/admin/groups/{id}/members",
  tags: ["admin"],
  summary: "Members of a group",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam },
  responses: { 200: json(MemberListSchema, "In the order they were added."), ...errors(401, 403, 404, 409) },
});

export function registerAdminGroupsMembersList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const { id } = c.req.valid("param");
    if (IMPLICIT_GROUPS.has(id)) throw new PorticoError(ErrorCode.CONFLICT, `Everyone${id === "developers" ? " signed in" : ""} is in "${id}"; it has no member list.`);
    if (!(await assignableGroup(deps.ctx, id))) throw notFound("Group");
    const members = await listGroupMembers(deps.ctx.store, id);
    return c.json(
      { members: members.map((m) => ({ id: m.user.id, email: m.user.email, name: m.user.name, state: m.user.state, addedAt: iso(m.addedAt), addedBy: m.addedBy })) },
      200,
    );
  });
}
