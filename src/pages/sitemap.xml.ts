/** sitemap.xml, written from the guest view (not crawled), so it can only list guest pages. */
import type { APIRoute } from "astro";
import { sitePages } from "../lib/markdown-copies.ts";
import { getSite } from "../lib/site.ts";

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export const GET: APIRoute = async () => {
  const site = await getSite();
  const urls = sitePages(site).map((p) => `  <url><loc>${escape(site.siteUrl + p)}</loc></url>`);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join("\n")}\n</urlset>\n`;
  return new Response(xml, { headers: { "content-type": "application/xml; charset=utf-8" } });
};
