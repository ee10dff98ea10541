/**
 * GET /api/v1/admin/groups: every group — built-in, from groups.yaml, and
 * made through this API — with member counts.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { memberCounts } from "../../accounts/memberships.ts";
import { findGroup, listGroups } from "../../store/index.ts";
import type { ServiceContext } from "../../server/service.ts";
import { administratorsOnly, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, GroupSchema, json } from "../schemas.ts";

/** Everyone (guests) and every signed-in user (developers) are implied, never stored. */
export const IMPLICIT_GROUPS = new Set(["guests", "developers"]);

/** Whether members can be added to `id`: administrators, a groups.yaml group, or one made through the API. */
export async function assignableGroup(ctx: ServiceContext, id: string): Promise<boolean> {
  if (IMPLICIT_GROUPS.has(id)) return false;
  if (Object.hasOwn(ctx.catalog().groups, id)) return true;
  return (await findGroup(ctx.store, id)) !== null;
}

/** Built-in and groups.yaml groups are changed in content (or not at all), never through the API. */
export function readOnlyGroup(id: string, source: "built-in" | "content"): PorticoError {
  return new PorticoError(
    ErrorCode.CONFLICT,
    source === "built-in" ? `"${id}" is a built-in group; it cannot be changed or deleted.` : `"${id}" comes from groups.yaml; change it there.`,
  );
}

export const GroupListSchema = z.object({ groups: z.array(GroupSchema) }).openapi("GroupList");

export const route = createRoute({
  method: "get",
  path: "/admin/groups",
  tags: ["admin"],
  summary: "Groups",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  responses: { 200: json(GroupListSchema, "Built-in first, then by name."), ...errors(401, 403) },
});

export function registerAdminGroupsList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const [stored, counts] = await Promise.all([listGroups(deps.ctx.store), memberCounts(deps.ctx.store)]);
    const content = Object.values(deps.ctx.catalog().groups);
    const count = (id: string) => (IMPLICIT_GROUPS.has(id) ? null : (counts.get(id) ?? 0));
    const groups = [
      ...content
        .sort((a, b) => Number(b.source === "built-in") - Number(a.source === "built-in") || a.name.localeCompare(b.name))
        .map((g) => ({ id: g.id, name: g.name, description: g.description, source: g.source, memberCount: count(g.id) })),
      ...stored
        .filter((g) => !Object.hasOwn(deps.ctx.catalog().groups, g.id))
        .map((g) => ({ id: g.id, name: g.name, description: g.description, source: "api" as const, memberCount: count(g.id) })),
    ];
    return c.json({ groups }, 200);
  });
}
