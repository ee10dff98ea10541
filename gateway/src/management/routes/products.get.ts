/** GET /api/v1/products/{id}: one product with its page and terms; a hidden product is 404 exactly like a missing one. */
import { createRoute } from "@hono/zod-openapi";
import { GUEST_GROUPS } from "../../accounts/visibility.ts";
import { notFound, type ManagementApp, type ManagementDeps } from "../env.ts";
import { errors, IdParam, json, ProductDetailSchema } from "../schemas.ts";
import { productDetailView, visibleProduct } from "../views.ts";

export const route = createRoute({
  method: "get",
  path: "/products/{id}",
  tags: ["catalog"],
  summary: "One product",
  request: { params: IdParam },
  responses: { 200: json(ProductDetailSchema, "The product."), ...errors(404) },
});

export function registerProductsGet(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, (c) => {
    const groups = c.get("auth")?.groups ?? GUEST_GROUPS;
    const catalog = deps.ctx.catalog();
    const product = visibleProduct(catalog, c.req.valid("param").id, groups);
    if (product === undefined) throw notFound("Product");
    return c.json(productDetailView(product, catalog, groups), 200);
  });
}
