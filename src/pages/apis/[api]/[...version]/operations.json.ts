/** The operation list every operation page of this version shares (operations.ts, operationsNav). */
import type { APIRoute } from "astro";
import { operationsNav } from "../../../../lib/operations.ts";
import { apiPaths, type ApiPageProps } from "../../../../lib/routes.ts";

export const getStaticPaths = apiPaths;

export const GET: APIRoute = ({ props }) => {
  const { version } = props as ApiPageProps;
  return new Response(JSON.stringify(operationsNav(version)), { headers: { "content-type": "application/json; charset=utf-8" } });
};
