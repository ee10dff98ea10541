/**
 * POST /api/v1/me/password: change one's password. Every session of the
 * account ends, this one included; this browser gets a fresh session so it
 * stays signed in with a new token. A wrong current password counts as a
 * failed sign-in for the throttle, so a stolen session cannot guess it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { passwordChanged } from "../../accounts/email/templates.ts";
import { hashPassword } from "../../accounts/passwords.ts";
import { appendAudit, updateUser, withTransaction } from "../../store/index.ts";
import { fail, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { confirmPassword } from "../confirm-password.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors, Password } from "../schemas.ts";

export const PasswordChangeBody = z
  .strictObject({
    currentPassword: z.string().max(256).optional().openapi({ description: "Required when the account has a password (not for accounts made through OpenID Connect)." }),
    newPassword: Password,
  })
  .openapi("PasswordChange");

export const route = createRoute({
  method: "post",
  path: "/me/password",
  tags: ["me"],
  summary: "Change one's password",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { body: body(PasswordChangeBody) },
  responses: { 204: { description: "Changed; every other session ended and this one renewed." }, ...errors(400, 401, 429) },
});

export function registerMePassword(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { currentPassword, newPassword } = c.req.valid("json");
    const ip = deps.clientIp(c);
    const user = auth.user;
    await confirmPassword(deps, auth, ip, currentPassword, "currentPassword");
    const passwordHash = await hashPassword(newPassword);
    const result = await withTransaction(ctx.store, async (tx) => {
      const r = await updateUser(tx, user.id, { passwordHash });
      if (r.ok) await appendAudit(tx, { actorKind: "user", actorId: user.id, action: "user.password-change", targetType: "user", targetId: user.id });
      return r;
    });
    if (!result.ok) fail(result);
    await deps.sessions.endAll(user.id, { c, user: result.user, ip });
    await deps.notifier.send(user.email, (brand) => passwordChanged(brand, { name: user.name || undefined }));
    return c.body(null, 204);
  });
}
