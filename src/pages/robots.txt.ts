/** robots.txt: everything built is public; sign-in and account pages are not worth indexing. */
import type { APIRoute } from "astro";
import { getSite } from "../lib/site.ts";

export const GET: APIRoute = async () => {
  const site = await getSite();
  const text = ["User-agent: *", "Allow: /", "Disallow: /signin", "Disallow: /account", "", `Sitemap: ${site.siteUrl}/sitemap.xml`, ""].join("\n");
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8" } });
};
