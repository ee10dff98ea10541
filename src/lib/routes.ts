/**
 * The static paths of API pages: `/apis/<id>` for the default version and,
 * for versioned APIs, `/apis/<id>/<version>` for each version. Every route
 * under /apis/<id> (overview, reference, definition downloads) uses them, so
 * the set of built URLs is the same everywhere.
 */
import type { Api, ApiVersion } from "../../gateway/src/model/catalog.ts";
import { defaultVersion, isVersioned } from "./apis.ts";
import { getSite } from "./site.ts";

export interface ApiPageProps {
  api: Api;
  version: ApiVersion;
  /** Whether the URL names the version (`/apis/<id>/<version>`) rather than using the default. */
  explicit: boolean;
}

/** Version ids that would collide with fixed routes under /apis/<id>/. */
const RESERVED = new Set(["reference", "openapi.json", "openapi.yaml", "operations", "operations.json", "schemas"]);

export async function apiPaths(): Promise<Array<{ params: { api: string; version: string | undefined }; props: ApiPageProps }>> {
  const { view } = await getSite();
  const out: Array<{ params: { api: string; version: string | undefined }; props: ApiPageProps }> = [];
  for (const api of view.apis) {
    out.push({ params: { api: api.id, version: undefined }, props: { api, version: defaultVersion(api), explicit: false } });
    if (!isVersioned(api)) continue;
    for (const version of api.versions) {
      if (version.id === "" || RESERVED.has(version.id)) continue;
      out.push({ params: { api: api.id, version: version.id }, props: { api, version, explicit: true } });
    }
  }
  return out;
}
