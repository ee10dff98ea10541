/** GET /api/v1/products: the products the caller may see (guests see guest products; administrators everything). */
import { createRoute, z } from "@hono/zod-openapi";
import { GUEST_GROUPS, visibleProducts } from "../../accounts/visibility.ts";
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { json, ProductSchema } from "../schemas.ts";
import { productView } from "../views.ts";

export const ProductListSchema = z.object({ products: z.array(ProductSchema) }).openapi("ProductList");

export const route = createRoute({
  method: "get",
  path: "/products",
  tags: ["catalog"],
  summary: "Products the caller may see",
  responses: { 200: json(ProductListSchema, "In the portal's order.") },
});

export function registerProductsList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, (c) => {
    const groups = c.get("auth")?.groups ?? GUEST_GROUPS;
    const catalog = deps.ctx.catalog();
    return c.json({ products: visibleProducts(catalog, groups).map((p) => productView(p, catalog, groups)) }, 200);
  });
}
