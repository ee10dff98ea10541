/**
 * cors: origins go into a Set when the configuration loads; the portal's
 * origin, known only once its listener runs, is resolved on first use and
 * re-resolved only if the portal URL changes. Header strings are joined
 * once.
 */
import { ErrorCode } from "../../errors.ts";
import { headerValue } from "../headers.ts";
import { fail, makeStep, type Answer, type CorsRuntime, type PolicyDefinition } from "../types.ts";
import { corsPolicy } from "./schema.ts";

export const priority = corsPolicy.priority;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The origins a portal URL stands for: itself, and on loopback the same port under each loopback name. */
export function portalOrigins(url: string | undefined): Set<string> {
  const out = new Set<string>();
  if (url === undefined) return out;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return out;
  }
  out.add(parsed.origin);
  if (LOOPBACK.has(parsed.hostname)) {
    for (const host of LOOPBACK) out.add(`${parsed.protocol}//${host}${parsed.port === "" ? "" : `:${parsed.port}`}`);
  }
  return out;
}

export const definition: PolicyDefinition<typeof corsPolicy.schema> = {
  ...corsPolicy,
  create(options, ctx) {
    const { env } = ctx;
    const anyOrigin = options.allowedOrigins.includes("*");
    const origins = new Set(options.allowedOrigins);
    const anyMethod = options.allowedMethods.includes("*");
    const methods = new Set(options.allowedMethods);
    const anyHeader = options.allowedHeaders.includes("*");
    const headers = new Set(options.allowedHeaders.map((h) => h.toLowerCase()));
    const headerList = options.allowedHeaders.join(", ");
    const methodList = options.allowedMethods.join(", ");
    const expose = options.exposeHeaders.join(", ");
    const credentials = options.allowCredentials;
    const maxAge = String(options.maxAge);
    let portalUrl: string | undefined;
    let portal = new Set<string>();

    const allowed = (origin: string): boolean => {
      if (anyOrigin || origins.has(origin)) return true;
      if (!options.allowPortalOrigin) return false;
      const url = env.portalUrl();
      if (url !== portalUrl) {
        portalUrl = url;
        portal = portalOrigins(url);
      }
      return portal.has(origin);
    };
    // With credentials the origin is echoed (browsers refuse * then); without, * is cacheable by anyone.
    const allowOrigin = (origin: string) => (anyOrigin && !credentials ? "*" : origin);

    const runtime: CorsRuntime = {
      preflight(origin, method, requested): Answer {
        const vary = ["vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"];
        const names = requested === undefined ? [] : requested.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
        const ok = allowed(origin) && (anyMethod || methods.has(method)) && (anyHeader || names.every((h) => headers.has(h)));
        if (!ok) return { status: 200, headers: [...vary, "cache-control", "no-store"], body: Buffer.alloc(0) };
        const out = [...vary, "access-control-allow-origin", allowOrigin(origin), "access-control-allow-methods", anyMethod ? method : methodList, "access-control-max-age", maxAge];
        if (names.length > 0) out.push("access-control-allow-headers", anyHeader ? names.join(", ") : headerList);
        if (credentials) out.push("access-control-allow-credentials", "true");
        return { status: 204, headers: out, body: Buffer.alloc(0) };
      },
      actualHeaders(origin) {
        if (!allowed(origin)) return null;
        const out = ["access-control-allow-origin", allowOrigin(origin), "vary", "Origin"];
        if (expose !== "") out.push("access-control-expose-headers", expose);
        if (credentials) out.push("access-control-allow-credentials", "true");
        return out;
      },
    };

    return makeStep(
      ctx,
      "cors",
      function cors(ex) {
        const origin = headerValue(ex.headers, "origin");
        if (origin === undefined) return undefined;
        const extra = runtime.actualHeaders(origin);
        if (extra !== null) {
          if (ex.answerHeaders === null) ex.answerHeaders = extra;
          else ex.answerHeaders.push(...extra);
          return undefined;
        }
        if (options.terminateUnmatched) return fail("cors", "OriginNotAllowed", ErrorCode.ORIGIN_REFUSED, "Calls from this origin are not allowed.");
        return undefined;
      },
      { cors: runtime },
    );
  },
};
