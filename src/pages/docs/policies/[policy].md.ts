/** The markdown copy of a policy's reference page. */
import type { APIRoute } from "astro";
import type { PolicyDoc } from "../../../../gateway/src/policies/docs.ts";
import { allPolicyDocs, policyMarkdown } from "../../../lib/policy-docs.ts";
import { getSite } from "../../../lib/site.ts";

export function getStaticPaths() {
  return allPolicyDocs().map((doc) => ({ params: { policy: doc.name }, props: { doc } }));
}

export const GET: APIRoute = async ({ props }) => {
  const { t } = await getSite();
  return new Response(policyMarkdown(t, (props as { doc: PolicyDoc }).doc), { headers: { "content-type": "text/markdown; charset=utf-8" } });
};
