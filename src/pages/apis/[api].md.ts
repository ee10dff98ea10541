/** The markdown copy of an API page: overview and operations of every version. */
import type { APIRoute } from "astro";
import type { Api } from "../../../gateway/src/model/catalog.ts";
import { apiMarkdown } from "../../lib/markdown-copies.ts";
import { getSite } from "../../lib/site.ts";

export async function getStaticPaths() {
  const { view } = await getSite();
  return view.apis.map((api) => ({ params: { api: api.id }, props: { api } }));
}

export const GET: APIRoute = async ({ props }) => {
  const site = await getSite();
  return new Response(apiMarkdown(site, (props as { api: Api }).api), { headers: { "content-type": "text/markdown; charset=utf-8" } });
};
