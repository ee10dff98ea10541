/** POST /api/v1/admin/groups: a custom group (ids of built-in and groups.yaml groups are taken). */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, createGroup, GROUP_ID_PATTERN, withTransaction } from "../../store/index.ts";
import { administratorsOnly, fail, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors, GroupSchema, json } from "../schemas.ts";

export const GroupCreateBody = z
  .strictObject({
    id: z.string().regex(GROUP_ID_PATTERN, "A group id is lower-case letters, digits and dashes (at most 63), starting with a letter or digit.").openapi({ example: "beta-testers" }),
    name: z.string().trim().min(1, "A name is required.").max(100),
    description: z.string().trim().max(1000).optional(),
  })
  .openapi("GroupCreate");

export const route = createRoute({
  method: "post",
  path: "/admin/groups",
  tags: ["admin"],
  summary: "Create a group",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { body: body(GroupCreateBody) },
  responses: { 201: json(GroupSchema, "The group."), ...errors(400, 401, 403, 409) },
});

export function registerAdminGroupsCreate(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const input = c.req.valid("json");
    if (Object.hasOwn(deps.ctx.catalog().groups, input.id)) throw new PorticoError(ErrorCode.CONFLICT, `A group "${input.id}" already exists.`);
    const result = await withTransaction(deps.ctx.store, async (tx) => {
      const r = await createGroup(tx, input);
      if (r.ok) await appendAudit(tx, { actorKind: "admin", actorId: admin.user.id, action: "group.create", targetType: "group", targetId: input.id, data: { name: r.group.name } });
      return r;
    });
    if (!result.ok) fail(result);
    const g = result.group;
    return c.json({ id: g.id, name: g.name, description: g.description, source: "api" as const, memberCount: 0 }, 201);
  });
}
