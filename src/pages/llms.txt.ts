/** llms.txt: the guest-visible pages, linked to their markdown copies. */
import type { APIRoute } from "astro";
import { llmsTxt } from "../lib/markdown-copies.ts";
import { getSite } from "../lib/site.ts";

export const GET: APIRoute = async () => new Response(llmsTxt(await getSite()), { headers: { "content-type": "text/plain; charset=utf-8" } });
