/** GET /api/v1/portal: the public settings the portal's islands need (sign-up form, OIDC button). */
import { createRoute, type z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../accounts/passwords.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { json, PortalSchema } from "../schemas.ts";

export const route = createRoute({
  method: "get",
  path: "/portal",
  tags: ["portal"],
  summary: "Public portal settings",
  responses: { 200: json(PortalSchema, "The settings.") },
});

export type PortalResponse = z.infer<typeof PortalSchema>;

export function registerPortalGet(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, (c) => {
    const p = deps.ctx.catalog().portal;
    return c.json(
      {
        title: p.title,
        tagline: p.tagline,
        locale: p.locale,
        keyPrefix: p.keyPrefix,
        gatewayUrl: deps.ctx.urls.gateway,
        signUp: { enabled: p.signUp.enabled, fields: p.signUp.fields.map((f) => ({ ...f })) },
        oidc: p.oidc ? { label: p.oidc.label, startUrl: "/api/v1/auth/oidc/start" } : null,
        password: { minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
      },
      200,
    );
  });
}
