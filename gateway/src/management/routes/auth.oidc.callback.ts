/**
 * GET /api/v1/auth/oidc/callback: the provider sends the browser back here.
 * The state must match the cookie set by /start and a stored one-time
 * token; the code is redeemed with the PKCE verifier and the ID token
 * checked (oidc.ts). Then the identity is linked:
 *   - an account already linked to (issuer, subject) signs in;
 *   - else, when the provider vouches for the address (email_verified),
 *     the account with that address is linked and signs in;
 *   - else a new account is made, when sign-up is open.
 * The browser always lands on the portal: on the return path when signed
 * in, on /sign-in?error=<reason> when not.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { timingSafeEqual } from "node:crypto";
import { OidcError, type OidcIdentity } from "../../accounts/oidc.ts";
import { appendAudit, consumeOneTimeToken, createUser, findUserByEmail, findUserByOidc, recordSignIn, updateUser, withTransaction, type User } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps, ManagementEnv } from "../env.ts";
import { oidcCookie, oidcRedirectUri, safeReturnPath } from "./auth.oidc.start.ts";

export const OidcCallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
  iss: z.string().max(500).optional(),
});

export const route = createRoute({
  method: "get",
  path: "/auth/oidc/callback",
  tags: ["auth"],
  summary: "Return from the OpenID Connect provider",
  request: { query: OidcCallbackQuery },
  responses: { 302: { description: "To the portal: the return path when signed in, /sign-in?error=<reason> when not." } },
});

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerAuthOidcCallback(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;

  const toPortal = (c: Context<ManagementEnv>, path: string) => c.redirect(`${ctx.urls.portal.replace(/\/+$/, "")}${path}`, 302);
  const failed = (c: Context<ManagementEnv>, reason: string) => toPortal(c, `/sign-in?error=${encodeURIComponent(reason)}`);

  async function accountFor(identity: OidcIdentity): Promise<{ user: User } | { reason: string }> {
    const now = new Date();
    const linked = await findUserByOidc(ctx.store, identity.issuer, identity.subject);
    if (linked !== null) return { user: linked };
    if (identity.email === null || !identity.emailVerified) return { reason: "email_unverified" };
    const oidc = { issuer: identity.issuer, subject: identity.subject };
    const existing = await findUserByEmail(ctx.store, identity.email);
    if (existing !== null) {
      // An invitation accepted through the provider: the provider proved the address.
      const state = existing.state === "invited" ? "active" : existing.state;
      const result = await withTransaction(ctx.store, async (tx) => {
        const r = await updateUser(tx, existing.id, { oidc, state, emailVerifiedAt: existing.emailVerifiedAt ?? now }, now);
        if (r.ok) await appendAudit(tx, { actorKind: "user", actorId: existing.id, action: "user.oidc-link", targetType: "user", targetId: existing.id, data: { issuer: identity.issuer } }, now);
        return r;
      });
      return result.ok ? { user: result.user } : { reason: "oidc_conflict" };
    }
    if (!ctx.catalog().portal.signUp.enabled) return { reason: "sign_up_closed" };
    const created = await withTransaction(ctx.store, async (tx) => {
      const r = await createUser(tx, { email: identity.email!, name: identity.name ?? "", emailVerifiedAt: now, oidc }, now);
      if (r.ok) await appendAudit(tx, { actorKind: "user", actorId: r.user.id, action: "user.sign-up", targetType: "user", targetId: r.user.id, data: { issuer: identity.issuer } }, now);
      return r;
    });
    return created.ok ? { user: created.user } : { reason: "oidc_conflict" };
  }

  api.openapi(route, async (c) => {
    const settings = ctx.catalog().portal.oidc;
    const query = c.req.valid("query");
    const cookie = oidcCookie(ctx.urls.portal);
    const expected = getCookie(c, cookie.name);
    deleteCookie(c, cookie.name, { path: "/", secure: cookie.secure, httpOnly: true, sameSite: "Lax" });
    if (settings === undefined) return failed(c, "oidc_disabled");
    if (query.error !== undefined) return failed(c, query.error === "access_denied" ? "oidc_cancelled" : "oidc_failed");
    if (query.state === undefined || query.code === undefined || expected === undefined || !sameText(expected, query.state)) {
      return failed(c, "oidc_state");
    }
    const flow = await consumeOneTimeToken(ctx.store, query.state, "oidc-state");
    if (!flow.ok) return failed(c, "oidc_state");

    let identity: OidcIdentity;
    try {
      identity = await deps.oidc.finish(settings, oidcRedirectUri(deps), query.state, query.code);
    } catch (err) {
      ctx.logger.warn("OpenID Connect sign-in failed", { issuer: settings.issuer, reason: err instanceof OidcError ? err.reason : "error", error: (err as Error).message });
      return failed(c, err instanceof OidcError ? err.reason : "oidc_failed");
    }
    const account = await accountFor(identity);
    if ("reason" in account) return failed(c, account.reason);
    if (account.user.state !== "active") return failed(c, "account_blocked");

    await deps.sessions.start(c, account.user, { ip: deps.clientIp(c) });
    await recordSignIn(ctx.store, account.user.id);
    // The fragment tells the portal's static header that a session began here,
    // since no sign-in form ran in this browser to say so (src/components/Header.astro).
    const back = safeReturnPath(typeof flow.record.data.returnTo === "string" ? flow.record.data.returnTo : undefined);
    return toPortal(c, back.includes("#") ? back : `${back}#signed-in`);
  });
}
