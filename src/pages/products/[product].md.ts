/** The markdown copy of a product page. */
import type { APIRoute } from "astro";
import type { Product } from "../../../gateway/src/model/catalog.ts";
import { productMarkdown } from "../../lib/markdown-copies.ts";
import { getSite } from "../../lib/site.ts";

export async function getStaticPaths() {
  const { view } = await getSite();
  return view.products.map((product) => ({ params: { product: product.id }, props: { product } }));
}

export const GET: APIRoute = async ({ props }) => {
  const site = await getSite();
  return new Response(productMarkdown(site, (props as { product: Product }).product), { headers: { "content-type": "text/markdown; charset=utf-8" } });
};
