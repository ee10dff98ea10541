/** The theme's logo and favicon, copied into the portal as /theme/logo.<ext> and /theme/favicon.<ext>. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { APIRoute } from "astro";
import { getSite, type ThemeAsset } from "../../lib/site.ts";

export async function getStaticPaths() {
  const site = await getSite();
  return [site.logo, site.favicon]
    .filter((a): a is ThemeAsset => a !== undefined)
    .map((asset) => ({ params: { file: path.posix.basename(asset.href) }, props: { asset } }));
}

export const GET: APIRoute = async ({ props }) => {
  const { asset } = props as { asset: ThemeAsset };
  return new Response(new Uint8Array(await readFile(asset.file)), { headers: { "content-type": asset.type } });
};
