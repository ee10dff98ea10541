/**
 * POST /api/v1/auth/password-reset: e-mails a reset link. Always 202, and
 * the work happens after the answer, so neither the answer nor its timing
 * tells whether the address has an account. Throttled per client address
 * (429), and per mailbox without a sign (see throttle.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { passwordReset } from "../../accounts/email/templates.ts";
import { createOneTimeToken, findUserByEmail } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, Email, errors, json } from "../schemas.ts";
import { AcceptedSchema } from "./auth.sign-up.ts";

export const PasswordResetBody = z.strictObject({ email: Email }).openapi("PasswordReset");

export const route = createRoute({
  method: "post",
  path: "/auth/password-reset",
  tags: ["auth"],
  summary: "Ask for a password reset link",
  request: { body: body(PasswordResetBody) },
  responses: { 202: json(AcceptedSchema, "Accepted."), ...errors(400, 429) },
});

export function registerAuthPasswordReset(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx, throttles, notifier } = deps;
  api.openapi(route, async (c) => {
    await throttles.emailRequest(deps.clientIp(c));
    const { email } = c.req.valid("json");
    deps.background.run("password-reset", async () => {
      const user = await findUserByEmail(ctx.store, email);
      if (user === null || user.state !== "active") return;
      if (!(await throttles.mayEmail("reset", user.email))) return;
      // Only the newest link works: asking again makes earlier ones useless.
      const { token } = await createOneTimeToken(ctx.store, { kind: "reset", userId: user.id, email: user.email, replacePrevious: true });
      await notifier.send(user.email, (brand) => passwordReset(brand, { name: user.name || undefined, token }));
    });
    return c.json({ message: "If the address has an account, a link to reset its password is on its way." }, 202);
  });
}
