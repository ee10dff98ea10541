/**
 * POST /api/v1/auth/verify/resend: another verification link for an account
 * whose address is not confirmed yet. Always 202, whatever the address; the
 * e-mail is sent after the answer, so its timing reveals nothing either.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { verifyEmail } from "../../accounts/email/templates.ts";
import { createOneTimeToken, findUserByEmail } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, Email, errors, json } from "../schemas.ts";
import { AcceptedSchema } from "./auth.sign-up.ts";

export const ResendBody = z.strictObject({ email: Email }).openapi("ResendVerification");

export const route = createRoute({
  method: "post",
  path: "/auth/verify/resend",
  tags: ["auth"],
  summary: "Send the verification link again",
  request: { body: body(ResendBody) },
  responses: { 202: json(AcceptedSchema, "Accepted."), ...errors(400, 429) },
});

export function registerAuthVerifyResend(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx, throttles, notifier } = deps;
  api.openapi(route, async (c) => {
    await throttles.emailRequest(deps.clientIp(c));
    const { email } = c.req.valid("json");
    deps.background.run("verify-resend", async () => {
      const user = await findUserByEmail(ctx.store, email);
      if (user === null || user.state !== "active" || user.emailVerifiedAt !== null) return;
      if (!(await throttles.mayEmail("verify", user.email))) return;
      const { token } = await createOneTimeToken(ctx.store, { kind: "verify", userId: user.id, email: user.email, replacePrevious: true });
      await notifier.send(user.email, (brand) => verifyEmail(brand, { name: user.name || undefined, token }));
    });
    return c.json({ message: "If the address has an account waiting for confirmation, a new link is on its way." }, 202);
  });
}
