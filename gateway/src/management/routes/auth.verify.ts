/**
 * POST /api/v1/auth/verify: the token from a `/verify?token=…` link. It
 * confirms either a new account's address or a change of address (both
 * links lead to the same page). Any unusable token — unknown, used,
 * expired, or for an address the account no longer has — is INVALID_TOKEN.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { emailChanged } from "../../accounts/email/templates.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, consumeOneTimeToken, findUserById, updateUser, withTransaction } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, errors, NoContent, Token } from "../schemas.ts";

export const VerifyBody = z.strictObject({ token: Token }).openapi("Verify");

export const route = createRoute({
  method: "post",
  path: "/auth/verify",
  tags: ["auth"],
  summary: "Confirm an e-mail address",
  request: { body: body(VerifyBody) },
  responses: { 204: NoContent, ...errors(400, 401, 409) },
});

const INVALID = () => new PorticoError(ErrorCode.INVALID_TOKEN, "This link is invalid or has expired.");

export function registerAuthVerify(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const { token } = c.req.valid("json");
    const now = new Date();

    const verify = await consumeOneTimeToken(ctx.store, token, "verify", now);
    if (verify.ok) {
      const user = verify.record.userId === null ? null : await findUserById(ctx.store, verify.record.userId);
      if (user === null || user.deletedAt !== null || user.email !== verify.record.email) throw INVALID();
      if (user.emailVerifiedAt === null) {
        await withTransaction(ctx.store, async (tx) => {
          await updateUser(tx, user.id, { emailVerifiedAt: now }, now);
          await appendAudit(tx, { actorKind: "user", actorId: user.id, action: "user.verify", targetType: "user", targetId: user.id }, now);
        });
      }
      return c.body(null, 204);
    }

    const change = await consumeOneTimeToken(ctx.store, token, "email-change", now);
    if (!change.ok || change.record.userId === null || change.record.email === null) throw INVALID();
    const user = await findUserById(ctx.store, change.record.userId);
    if (user === null || user.deletedAt !== null) throw INVALID();
    const newEmail = change.record.email;
    const updated = await withTransaction(ctx.store, async (tx) => {
      const result = await updateUser(tx, user.id, { email: newEmail, emailVerifiedAt: now }, now);
      if (result.ok) {
        await appendAudit(tx, { actorKind: "user", actorId: user.id, action: "user.email-change", targetType: "user", targetId: user.id, data: { from: user.email, to: newEmail } }, now);
      }
      return result;
    });
    if (!updated.ok) {
      throw new PorticoError(ErrorCode.CONFLICT, updated.code === "CONFLICT" ? "This address now belongs to another account." : updated.message);
    }
    // The old address hears of it, so the owner notices a takeover.
    await deps.notifier.send(user.email, (brand) => emailChanged(brand, { name: user.name || undefined, newEmail }));
    return c.body(null, 204);
  });
}
