/** POST /api/v1/auth/sign-out: ends this browser's session (204 also when there was none). */
import { createRoute } from "@hono/zod-openapi";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { errors } from "../schemas.ts";

export const route = createRoute({
  method: "post",
  path: "/auth/sign-out",
  tags: ["auth"],
  summary: "Sign out",
  description: "Send Content-Type: application/json with an empty body or {}.",
  responses: { 204: { description: "Signed out; the cookie is cleared and the session deleted." }, ...errors(403, 415) },
});

export function registerAuthSignOut(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    await deps.sessions.end(c, c.get("auth"));
    return c.body(null, 204);
  });
}
