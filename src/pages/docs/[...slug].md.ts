/** The markdown copy of a docs page. */
import type { APIRoute } from "astro";
import type { DocPage } from "../../../gateway/src/model/catalog.ts";
import { docMarkdown } from "../../lib/markdown-copies.ts";
import { getSite } from "../../lib/site.ts";

export async function getStaticPaths() {
  const { view } = await getSite();
  return view.docs.map((doc) => ({ params: { slug: doc.slug }, props: { doc } }));
}

export const GET: APIRoute = async ({ props }) => {
  const site = await getSite();
  return new Response(docMarkdown(site, (props as { doc: DocPage }).doc), { headers: { "content-type": "text/markdown; charset=utf-8" } });
};
