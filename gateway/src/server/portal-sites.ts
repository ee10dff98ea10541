/**
 * The built portal as the control listener serves it: the public tree
 * (`dist/`, for guests) and the restricted trees of each audience
 * (`dist-restricted/<audience>/`, listed in its `audiences.json`), each
 * indexed once at start and after every rebuild.
 *
 * The restricted folder is read only when its manifest is there and its
 * trees are complete; a missing or damaged one leaves the service serving
 * the public portal to everyone, which hides more, never less.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Groups } from "../accounts/visibility.ts";
import type { Logger } from "../log.ts";
import { audienceFor, type Audience } from "./audiences.ts";
import { AUDIENCES_FILE, restrictedDirOf, type AudienceManifest } from "./portal-build.ts";
import { indexStaticSite, type StaticSite } from "./static-site.ts";

export interface AudienceSite {
  audience: Audience;
  site: StaticSite;
}

export interface PortalSites {
  /** What guests see. */
  public: StaticSite;
  /** One tree per restricted audience; empty when the content hides nothing. */
  audiences: AudienceSite[];
  /** The tree for a caller: their audience's, or the public one for guests and callers in none. */
  siteFor(groups: Groups | null): StaticSite;
}

const ID = /^[a-z0-9][a-z0-9+-]*$/;

async function readManifest(dir: string, logger?: Logger): Promise<Audience[]> {
  let text: string;
  try {
    text = await readFile(path.join(dir, AUDIENCES_FILE), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  try {
    const manifest = JSON.parse(text) as AudienceManifest;
    const list = Array.isArray(manifest.audiences) ? manifest.audiences : [];
    return list.filter((a) => typeof a.id === "string" && ID.test(a.id) && Array.isArray(a.groups) && typeof a.weight === "number");
  } catch (err) {
    logger?.error("the restricted portal's manifest is unreadable: restricted pages are not served", { file: path.join(dir, AUDIENCES_FILE), err });
    return [];
  }
}

export async function loadPortalSites(distDir: string, logger?: Logger): Promise<PortalSites> {
  const pub = await indexStaticSite(distDir);
  const restricted = restrictedDirOf(distDir);
  const audiences: AudienceSite[] = [];
  for (const audience of await readManifest(restricted, logger)) {
    const site = await indexStaticSite(path.join(restricted, audience.id));
    if (site.files.size === 0) {
      logger?.warn("a restricted tree is missing: its audience is served the public portal", { audience: audience.id });
      continue;
    }
    audiences.push({ audience, site });
  }
  const byId = new Map(audiences.map((a) => [a.audience.id, a.site]));
  const built = audiences.map((a) => a.audience);
  return {
    public: pub,
    audiences,
    siteFor(groups) {
      if (groups === null || built.length === 0) return pub;
      const audience = audienceFor(groups, built);
      return audience === undefined ? pub : (byId.get(audience.id) ?? pub);
    },
  };
}

/** A portal of one public tree and no restricted ones (tests, tools). */
export function publicOnly(site: StaticSite): PortalSites {
  return { public: site, audiences: [], siteFor: () => site };
}
