/** The definition with the gateway as its server, as JSON. */
import type { APIRoute } from "astro";
import { definitionForGateway, definitionJson } from "../../../../lib/openapi.ts";
import { apiPaths, type ApiPageProps } from "../../../../lib/routes.ts";
import { getSite } from "../../../../lib/site.ts";

export const getStaticPaths = apiPaths;

export const GET: APIRoute = async ({ props }) => {
  const { api, version } = props as ApiPageProps;
  const site = await getSite();
  const doc = definitionForGateway(api, version, site.gatewayUrl);
  return new Response(definitionJson(doc), { headers: { "content-type": "application/json; charset=utf-8" } });
};
