/** The markdown copy of the policy reference's overview. */
import type { APIRoute } from "astro";
import { policiesIndexMarkdown } from "../../lib/policy-docs.ts";
import { getSite } from "../../lib/site.ts";

export const GET: APIRoute = async () => {
  const { t } = await getSite();
  return new Response(policiesIndexMarkdown(t), { headers: { "content-type": "text/markdown; charset=utf-8" } });
};
