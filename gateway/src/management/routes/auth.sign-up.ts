/**
 * POST /api/v1/auth/sign-up: a new account, pending verification by the
 * link e-mailed to the address. A known address gets the same 202, and its
 * owner an e-mail saying so (with a fresh verification link when it was
 * never verified), so the answer reveals nothing about who has an account.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { checkCustomFields } from "../../accounts/custom-fields.ts";
import { signUpNotice, verifyEmail } from "../../accounts/email/templates.ts";
import { hashPassword } from "../../accounts/passwords.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, createOneTimeToken, createUser, findUserByEmail, withTransaction, type User } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { body, Email, errors, json, Name, Password } from "../schemas.ts";

export const SignUpBody = z
  .looseObject({
    email: Email,
    password: Password,
    name: Name.min(1, "A name is required."),
  })
  .openapi("SignUp", { description: "Plus the portal's custom sign-up fields by name (see GET /portal)." });

export const AcceptedSchema = z
  .object({ message: z.string() })
  .openapi("Accepted", { description: "The same answer whatever the address, so that it reveals nothing." });

export const route = createRoute({
  method: "post",
  path: "/auth/sign-up",
  tags: ["auth"],
  summary: "Sign up",
  request: { body: body(SignUpBody) },
  responses: { 202: json(AcceptedSchema, "Accepted: a link is on its way to the address."), ...errors(400, 403, 429) },
});

export type SignUpRequest = z.infer<typeof SignUpBody>;

const ACCEPTED = { message: "Check your inbox: we sent a link to confirm your address." };

export function registerAuthSignUp(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx, notifier, throttles } = deps;

  async function notifyExisting(user: User): Promise<void> {
    if (!(await throttles.mayEmail("sign-up", user.email))) return;
    let verifyToken: string | undefined;
    if (user.emailVerifiedAt === null && user.state === "active") {
      verifyToken = (await createOneTimeToken(ctx.store, { kind: "verify", userId: user.id, email: user.email, replacePrevious: true })).token;
    }
    await notifier.send(user.email, (brand) => signUpNotice(brand, { name: user.name || undefined, verifyToken }));
  }

  api.openapi(route, async (c) => {
    const catalog = ctx.catalog();
    if (!catalog.portal.signUp.enabled) {
      throw new PorticoError(ErrorCode.FORBIDDEN, "Sign-up is closed on this portal; ask an administrator for an invitation.");
    }
    await throttles.signUp(deps.clientIp(c));
    const { email, password, name, ...rest } = c.req.valid("json");
    const custom = checkCustomFields(rest, catalog.portal.signUp.fields);
    if (!custom.ok) throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", { details: custom.problems });

    // Hashed whether or not the address is known, so both answers take the hash's time.
    const passwordHash = await hashPassword(password);
    const existing = await findUserByEmail(ctx.store, email);
    if (existing !== null) {
      await notifyExisting(existing);
      return c.json(ACCEPTED, 202);
    }
    const created = await withTransaction(ctx.store, async (tx) => {
      const result = await createUser(tx, { email, name, passwordHash, customFields: custom.values });
      if (!result.ok) return result;
      const { token } = await createOneTimeToken(tx, { kind: "verify", userId: result.user.id, email: result.user.email });
      await appendAudit(tx, { actorKind: "user", actorId: result.user.id, action: "user.sign-up", targetType: "user", targetId: result.user.id });
      return { ok: true as const, user: result.user, token };
    });
    if (created.ok) {
      await notifier.send(created.user.email, (brand) => verifyEmail(brand, { name: created.user.name || undefined, token: created.token }));
    } else {
      // Lost a race with another sign-up for the same address: it is now a known address.
      const winner = await findUserByEmail(ctx.store, email);
      if (winner !== null) await notifyExisting(winner);
    }
    return c.json(ACCEPTED, 202);
  });
}
