/** The markdown copy of the expressions page of the policy reference. */
import type { APIRoute } from "astro";
import { expressionsMarkdown } from "../../../lib/policy-docs.ts";
import { getSite } from "../../../lib/site.ts";

export const GET: APIRoute = async () => {
  const { t } = await getSite();
  return new Response(expressionsMarkdown(t), { headers: { "content-type": "text/markdown; charset=utf-8" } });
};
