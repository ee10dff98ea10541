/**
 * POST /api/v1/auth/sign-in: e-mail and password → a session cookie.
 *
 * An unknown address and a wrong password get the same 401 body, and take
 * about as long (a dummy hash is verified when there is no account). Only
 * a caller who gave the right password learns that the account is blocked
 * or not verified yet. Failures are throttled per account and per client
 * address (see throttle.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { verifyAgainstDummy, verifyPassword, PASSWORD_MAX_LENGTH } from "../../accounts/passwords.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { findUserByEmail, recordSignIn } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, Email, errors } from "../schemas.ts";

export const SignInBody = z
  .strictObject({
    email: Email,
    // No minimum here: a length rule would answer differently from "wrong password".
    password: z.string({ error: "A password is required." }).min(1, "A password is required.").max(PASSWORD_MAX_LENGTH, `A password has at most ${PASSWORD_MAX_LENGTH} characters.`),
  })
  .openapi("SignIn");

export const route = createRoute({
  method: "post",
  path: "/auth/sign-in",
  tags: ["auth"],
  summary: "Sign in",
  request: { body: body(SignInBody) },
  responses: {
    204: { description: "Signed in; the session cookie is set (HttpOnly, SameSite=Lax, 30 days, renewed while used)." },
    ...errors(400, 401, 403, 429),
  },
});

export function registerAuthSignIn(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx, throttles } = deps;
  api.openapi(route, async (c) => {
    const { email, password } = c.req.valid("json");
    const ip = deps.clientIp(c);
    await throttles.checkSignIn(email, ip);

    const user = await findUserByEmail(ctx.store, email);
    const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!ok || user === null || user.state === "invited") {
      await throttles.recordSignInFailure(email, ip);
      throw new PorticoError(ErrorCode.INVALID_CREDENTIALS, "The e-mail address or the password is not correct.");
    }
    if (user.state === "blocked") throw new PorticoError(ErrorCode.ACCOUNT_BLOCKED, "This account is blocked. Contact the portal's administrators.");
    if (user.emailVerifiedAt === null) {
      throw new PorticoError(ErrorCode.EMAIL_NOT_VERIFIED, "Confirm your e-mail address first, with the link we sent you (POST /api/v1/auth/verify/resend sends another).");
    }
    await deps.sessions.start(c, user, { ip });
    await recordSignIn(ctx.store, user.id);
    return c.body(null, 204);
  });
}
