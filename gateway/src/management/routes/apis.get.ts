/** GET /api/v1/apis/{id}: one API with its versions and operations; a hidden API is 404 exactly like a missing one. */
import { createRoute } from "@hono/zod-openapi";
import { GUEST_GROUPS } from "../../accounts/visibility.ts";
import { notFound, type ManagementApp, type ManagementDeps } from "../env.ts";
import { ApiDetailSchema, errors, IdParam, json } from "../schemas.ts";
import { apiDetailView, visibleApi } from "../views.ts";

export const route = createRoute({
  method: "get",
  path: "/apis/{id}",
  tags: ["catalog"],
  summary: "One API",
  request: { params: IdParam },
  responses: { 200: json(ApiDetailSchema, "The API."), ...errors(404) },
});

export function registerApisGet(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, (c) => {
    const groups = c.get("auth")?.groups ?? GUEST_GROUPS;
    const catalog = deps.ctx.catalog();
    const found = visibleApi(catalog, c.req.valid("param").id, groups);
    if (found === undefined) throw notFound("API");
    return c.json(apiDetailView(found, catalog, groups, deps.ctx.urls.gateway), 200);
  });
}
