/**
 * GET /api/v1/auth/oidc/start?returnTo=/account: starts "Sign in with …"
 * (portal.yaml `oidc`). Redirects the browser to the provider with a state
 * that is also kept in a short-lived HttpOnly cookie, so the callback only
 * completes in the browser that started it (no login CSRF).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import { cookieSettings } from "../../accounts/session-cookie.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { createOneTimeToken, DEFAULT_TOKEN_TTL_MS } from "../../store/index.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { errors } from "../schemas.ts";

export const OidcStartQuery = z.object({
  returnTo: z.string().max(500).optional().openapi({ description: "A path on the portal to land on after signing in.", example: "/account" }),
});

export const route = createRoute({
  method: "get",
  path: "/auth/oidc/start",
  tags: ["auth"],
  summary: "Sign in with the portal's OpenID Connect provider",
  request: { query: OidcStartQuery },
  responses: { 302: { description: "To the identity provider." }, ...errors(404), 503: { description: "The provider cannot be reached." } },
});

/** A same-site path only: an absolute URL or `//host` would make this an open redirect. */
export function safeReturnPath(value: string | undefined): string {
  if (value === undefined || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/account";
  return value;
}

export function oidcCookie(portalUrl: string) {
  return cookieSettings(portalUrl, "portico_oidc");
}

/** Where the provider sends the browser back: the service's public address. */
export function oidcRedirectUri(deps: ManagementDeps): string {
  const base = deps.ctx.catalog().portal.serviceUrl ?? deps.ctx.urls.portal;
  return `${base.replace(/\/+$/, "")}/api/v1/auth/oidc/callback`;
}

export function registerAuthOidcStart(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const settings = ctx.catalog().portal.oidc;
    if (settings === undefined) throw new PorticoError(ErrorCode.NOT_FOUND, "Sign-in with OpenID Connect is not configured on this portal.");
    const returnTo = safeReturnPath(c.req.valid("query").returnTo);
    const ttlMs = DEFAULT_TOKEN_TTL_MS["oidc-state"];
    const { token: state } = await createOneTimeToken(ctx.store, { kind: "oidc-state", data: { returnTo }, ttlMs });
    let url: URL;
    try {
      url = await deps.oidc.authorizationUrl(settings, oidcRedirectUri(deps), state);
    } catch (err) {
      ctx.logger.error("OpenID Connect discovery failed", { issuer: settings.issuer, err });
      throw new PorticoError(ErrorCode.BACKEND_UNREACHABLE, "The identity provider cannot be reached. Try again later.");
    }
    const cookie = oidcCookie(ctx.urls.portal);
    setCookie(c, cookie.name, state, { httpOnly: true, secure: cookie.secure, sameSite: "Lax", path: "/", maxAge: Math.floor(ttlMs / 1000) });
    return c.redirect(url.toString(), 302);
  });
}
