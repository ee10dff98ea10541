/**
 * POST /api/v1/auth/invite/accept: the token from an `/invite?token=…` link,
 * a password and (optionally) a name. The invited account becomes active
 * with its address verified (the link proved it); the invitee then signs in.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { hashPassword } from "../../accounts/passwords.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, consumeOneTimeToken, findUserById, updateUser, withTransaction } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, errors, Name, NoContent, Password, Token } from "../schemas.ts";

export const InviteAcceptBody = z.strictObject({ token: Token, password: Password, name: Name.optional() }).openapi("InviteAccept");

export const route = createRoute({
  method: "post",
  path: "/auth/invite/accept",
  tags: ["auth"],
  summary: "Accept an invitation",
  request: { body: body(InviteAcceptBody) },
  responses: { 204: NoContent, ...errors(400, 401) },
});

export function registerAuthInviteAccept(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const { token, password, name } = c.req.valid("json");
    const now = new Date();
    const consumed = await consumeOneTimeToken(ctx.store, token, "invite", now);
    const user = consumed.ok && consumed.record.userId !== null ? await findUserById(ctx.store, consumed.record.userId) : null;
    if (!consumed.ok || user === null || user.deletedAt !== null || user.state !== "invited") {
      throw new PorticoError(ErrorCode.INVALID_TOKEN, "This invitation is invalid or has expired.");
    }
    const passwordHash = await hashPassword(password);
    await withTransaction(ctx.store, async (tx) => {
      await updateUser(tx, user.id, { passwordHash, state: "active", emailVerifiedAt: now, ...(name ? { name } : {}) }, now);
      await appendAudit(tx, { actorKind: "user", actorId: user.id, action: "user.invite-accept", targetType: "user", targetId: user.id }, now);
    });
    return c.body(null, 204);
  });
}
