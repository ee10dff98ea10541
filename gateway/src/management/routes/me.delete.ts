/**
 * DELETE /api/v1/me: delete one's own account. Personal data is erased and
 * open subscriptions are cancelled (their keys stop at once); usage stays,
 * attributed to the anonymised account. Asks for the password when the
 * account has one, so an unattended browser cannot do it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { deleteAccount } from "../../accounts/delete-account.ts";
import { fail, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { confirmPassword } from "../confirm-password.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors } from "../schemas.ts";

export const MeDeleteBody = z
  .strictObject({ password: z.string().max(256).optional().openapi({ description: "Required when the account has a password." }) })
  .openapi("AccountDelete");

export const route = createRoute({
  method: "delete",
  path: "/me",
  tags: ["me"],
  summary: "Delete one's account",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { body: body(MeDeleteBody) },
  responses: { 204: { description: "Deleted and signed out everywhere." }, ...errors(400, 401, 429) },
});

export function registerMeDelete(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { password } = c.req.valid("json");
    const ip = deps.clientIp(c);
    await confirmPassword(deps, auth, ip, password, "password");
    const result = await deleteAccount(deps.ctx, auth.user.id, { kind: "user", id: auth.user.id });
    if (!result.ok) fail(result);
    await deps.sessions.end(c, null);
    return c.body(null, 204);
  });
}
