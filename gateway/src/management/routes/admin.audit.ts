/** GET /api/v1/admin/audit: who did what, newest first, a page at a time (pass nextCursor as before). */
import { createRoute, z } from "@hono/zod-openapi";
import { ACTOR_KINDS, listAudit } from "../../store/index.ts";
import { administratorsOnly, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AuditEntrySchema, errors, json } from "../schemas.ts";
import { auditView } from "../views.ts";

export const AuditQuery = z.object({
  actor: z.string().max(100).optional().openapi({ description: "The acting user's id." }),
  actorKind: z.enum(ACTOR_KINDS).optional(),
  action: z.string().max(100).optional().openapi({ description: "An action, or a prefix ending in a dot: subscription." }),
  targetType: z.string().max(50).optional(),
  targetId: z.string().max(100).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema), nextCursor: z.number().int().nullable() }).openapi("AuditList");

export const route = createRoute({
  method: "get",
  path: "/admin/audit",
  tags: ["admin"],
  summary: "The audit log",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { query: AuditQuery },
  responses: { 200: json(AuditListSchema, "Newest first."), ...errors(400, 401, 403) },
});

export function registerAdminAudit(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    requireAdmin(c);
    const q = c.req.valid("query");
    const page = await listAudit(deps.ctx.store, {
      actorId: q.actor,
      actorKind: q.actorKind,
      action: q.action,
      targetType: q.targetType,
      targetId: q.targetId,
      before: q.before,
      limit: q.limit,
    });
    return c.json({ entries: page.entries.map(auditView), nextCursor: page.nextCursor }, 200);
  });
}
