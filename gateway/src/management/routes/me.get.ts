/** GET /api/v1/me: the signed-in user and their groups; 401 for a guest. */
import { createRoute } from "@hono/zod-openapi";
import { requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, json, MeSchema } from "../schemas.ts";
import { meView } from "../views.ts";

export const route = createRoute({
  method: "get",
  path: "/me",
  tags: ["me"],
  summary: "The signed-in user",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  responses: { 200: json(MeSchema, "The user, with every group they are in."), ...errors(401) },
});

export function registerMeGet(api: ManagementApp, _deps: ManagementDeps): void {
  api.openapi(route, (c) => c.json(meView(requireUser(c)), 200));
}
