/**
 * POST /api/v1/auth/password-reset/confirm: the token from a `/reset?token=…`
 * link and a new password. Every session of the account ends; following the
 * link also proves the address, so an unverified one becomes verified.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { passwordChanged } from "../../accounts/email/templates.ts";
import { hashPassword } from "../../accounts/passwords.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, consumeOneTimeToken, deleteUserSessions, findUserById, revokeOneTimeTokens, updateUser, withTransaction } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, errors, NoContent, Password, Token } from "../schemas.ts";

export const ResetConfirmBody = z.strictObject({ token: Token, password: Password }).openapi("PasswordResetConfirm");

export const route = createRoute({
  method: "post",
  path: "/auth/password-reset/confirm",
  tags: ["auth"],
  summary: "Set a new password with a reset link",
  request: { body: body(ResetConfirmBody) },
  responses: { 204: NoContent, ...errors(400, 401) },
});

export function registerAuthPasswordResetConfirm(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const { token, password } = c.req.valid("json");
    const now = new Date();
    const consumed = await consumeOneTimeToken(ctx.store, token, "reset", now);
    const user = consumed.ok && consumed.record.userId !== null ? await findUserById(ctx.store, consumed.record.userId) : null;
    if (!consumed.ok || user === null || user.deletedAt !== null || user.email !== consumed.record.email) {
      throw new PorticoError(ErrorCode.INVALID_TOKEN, "This link is invalid or has expired.");
    }
    const passwordHash = await hashPassword(password);
    await withTransaction(ctx.store, async (tx) => {
      await updateUser(tx, user.id, { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now }, now);
      await deleteUserSessions(tx, user.id);
      await revokeOneTimeTokens(tx, { kind: "reset", userId: user.id });
      await appendAudit(tx, { actorKind: "user", actorId: user.id, action: "user.password-reset", targetType: "user", targetId: user.id }, now);
    });
    await deps.notifier.send(user.email, (brand) => passwordChanged(brand, { name: user.name || undefined }));
    return c.body(null, 204);
  });
}
