/** GET /api/v1/apis: the APIs the caller may see. */
import { createRoute, z } from "@hono/zod-openapi";
import { GUEST_GROUPS, visibleApis } from "../../accounts/visibility.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { ApiSchema, json } from "../schemas.ts";
import { apiView } from "../views.ts";

export const ApiListSchema = z.object({ apis: z.array(ApiSchema) }).openapi("ApiList");

export const route = createRoute({
  method: "get",
  path: "/apis",
  tags: ["catalog"],
  summary: "APIs the caller may see",
  responses: { 200: json(ApiListSchema, "By title.") },
});

export function registerApisList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, (c) => {
    const groups = c.get("auth")?.groups ?? GUEST_GROUPS;
    const catalog = deps.ctx.catalog();
    return c.json({ apis: visibleApis(catalog, groups).map((a) => apiView(a, catalog, groups)) }, 200);
  });
}
