/**
 * POST /api/v1/admin/users/invite: an account for someone, who chooses a
 * password through the link e-mailed to them (valid two days). Optionally
 * adds them to groups at once. An address that has an account is 409: an
 * administrator may know who is registered.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { invitation } from "../../accounts/email/templates.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { addGroupMember, appendAudit, createOneTimeToken, createUser, withTransaction } from "../../store/index.ts";
import { administratorsOnly, fail, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { AdminUserSchema, body, Email, errors, json, Name } from "../schemas.ts";
import { adminUserView } from "../views.ts";
import { assignableGroup } from "./admin.groups.list.ts";

export const INVITE_TTL_MS = 2 * 24 * 60 * 60 * 1000;

export const InviteBody = z
  .strictObject({
    email: Email,
    name: Name.optional(),
    groups: z.array(z.string().max(63)).max(20).optional().openapi({ description: "Groups to add the account to (administrators or custom groups).", example: ["early-access"] }),
  })
  .openapi("Invite");

export const route = createRoute({
  method: "post",
  path: "/admin/users/invite",
  tags: ["admin"],
  summary: "Invite a user",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { body: body(InviteBody) },
  responses: { 201: json(AdminUserSchema, "The invited account (state invited)."), ...errors(400, 401, 403, 409) },
});

export function registerAdminUsersInvite(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const input = c.req.valid("json");
    const groups = [...new Set(input.groups ?? [])];
    const bad: Array<{ path: string; message: string }> = [];
    for (const [i, g] of groups.entries()) {
      if (!(await assignableGroup(ctx, g))) bad.push({ path: `groups.${i}`, message: `"${g}" is not a group that members can be added to.` });
    }
    if (bad.length > 0) throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", { details: bad });

    const result = await withTransaction(ctx.store, async (tx) => {
      const created = await createUser(tx, { email: input.email, name: input.name, state: "invited" });
      if (!created.ok) return created;
      const user = created.user;
      for (const groupId of groups) await addGroupMember(tx, { groupId, userId: user.id, addedBy: admin.user.id });
      const { token } = await createOneTimeToken(tx, { kind: "invite", userId: user.id, email: user.email, ttlMs: INVITE_TTL_MS, replacePrevious: true });
      await appendAudit(tx, { actorKind: "admin", actorId: admin.user.id, action: "user.invite", targetType: "user", targetId: user.id, data: { groups } });
      return { ok: true as const, user, token };
    });
    if (!result.ok) fail(result);
    await deps.notifier.send(result.user.email, (brand) =>
      invitation(brand, { name: result.user.name || undefined, invitedBy: admin.user.name || undefined, token: result.token }),
    );
    return c.json(adminUserView(result.user, groups.sort()), 201);
  });
}
