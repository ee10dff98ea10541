/**
 * POST /api/v1/me/email: move the account to another address. Nothing
 * changes until the link sent to the new address is followed (POST
 * /auth/verify); the old address is told once it has. An address that has
 * an account already gets a notice instead, and the answer is the same 202.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { emailChange, emailChangeNotice } from "../../accounts/email/templates.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { createOneTimeToken, findUserByEmail, normalizeEmail } from "../../store/index.ts";
import { requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { confirmPassword } from "../confirm-password.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, Email, errors, json } from "../schemas.ts";
import { AcceptedSchema } from "./auth.sign-up.ts";

export const EmailChangeBody = z
  .strictObject({
    email: Email,
    password: z.string().max(256).optional().openapi({ description: "The current password; required when the account has one." }),
  })
  .openapi("EmailChange");

export const route = createRoute({
  method: "post",
  path: "/me/email",
  tags: ["me"],
  summary: "Change one's e-mail address",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { body: body(EmailChangeBody) },
  responses: { 202: json(AcceptedSchema, "A confirmation link is on its way to the new address."), ...errors(400, 401, 429) },
});

export function registerMeEmail(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx, throttles, notifier } = deps;
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { email, password } = c.req.valid("json");
    const ip = deps.clientIp(c);
    await confirmPassword(deps, auth, ip, password, "password");
    const target = normalizeEmail(email);
    if (target === auth.user.email) {
      throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", { details: [{ path: "email", message: "This is already your address." }] });
    }
    if (await throttles.mayEmail("email-change", target)) {
      const taken = await findUserByEmail(ctx.store, target);
      if (taken !== null) {
        await notifier.send(target, (brand) => emailChangeNotice(brand, { name: taken.name || undefined }));
      } else {
        const { token } = await createOneTimeToken(ctx.store, { kind: "email-change", userId: auth.user.id, email: target, replacePrevious: true });
        await notifier.send(target, (brand) => emailChange(brand, { name: auth.user.name || undefined, token }));
      }
    }
    return c.json({ message: "Check the new address's inbox: the change takes effect once you follow the link we sent there." }, 202);
  });
}
