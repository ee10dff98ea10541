/**
 * Cross-site request forgery defence for the management API, and CORS for a
 * portal hosted on another origin.
 *
 * A state-changing request (POST, PUT, PATCH, DELETE) is refused with
 * 403 ORIGIN_REFUSED when its `Origin` (or, when a browser sent none, its
 * `Referer`) is not one of:
 *   - the origin the request was addressed to (same-origin: the portal
 *     served by this service),
 *   - the portal's public URL (portal.yaml `url`),
 *   - the service's public URL (portal.yaml `serviceUrl`).
 * `Origin: null` (sandboxed frames, some redirects) is refused. A request
 * with neither header comes from a program, not a browser, and cannot carry
 * a victim's cookie against their will, so it passes.
 *
 * POST, PUT and PATCH must declare `Content-Type: application/json` even
 * when they carry no body (an empty body or `{}` both do for routes that
 * take none). An HTML form can only send form encodings or text/plain,
 * and a cross-site `fetch` with JSON must pass a CORS preflight first, so
 * no page elsewhere can make a browser send such a request with the
 * session cookie. A DELETE may omit the body, but any body it has must be
 * JSON. Anything else: 415 UNSUPPORTED_MEDIA_TYPE.
 *
 * When the portal is hosted on another origin than the service (the static
 * files on a CDN), that origin gets CORS with credentials: the preflight is
 * answered here, and answers carry `Access-Control-Allow-Origin` naming it
 * (never `*`, which browsers refuse with credentials anyway). The session
 * cookie is then SameSite=None over HTTPS (session-cookie.ts); over plain
 * HTTP it stays Lax, so the two origins must share a site.
 */
import type { Context, MiddlewareHandler } from "hono";
import { ErrorCode, PorticoError } from "../errors.ts";
import { jsonError } from "../server/control-app.ts";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;.*)?$/i;
const ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE";
const ALLOWED_HEADERS = "Content-Type, X-Request-Id";

export interface OriginGuardOptions {
  /** Public URLs whose origins may make state changes (read per request: the portal URL is known only once listening). */
  trustedUrls: () => Array<string | undefined>;
}

function originOf(url: string | undefined): string | undefined {
  if (url === undefined || url === "") return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origin a browser says the request comes from: `Origin`, else the origin of `Referer`; `null` is kept as refused. */
function callerOrigin(c: Context): string | null | undefined {
  const origin = c.req.header("origin");
  if (origin !== undefined) return origin === "null" ? null : origin.replace(/\/+$/, "").toLowerCase();
  const referer = c.req.header("referer");
  if (referer !== undefined) return originOf(referer) ?? null;
  return undefined;
}

export function originGuard(options: OriginGuardOptions): MiddlewareHandler {
  function crossOrigins(c: Context): Set<string> {
    const own = new URL(c.req.url).origin;
    const set = new Set<string>();
    for (const url of options.trustedUrls()) {
      const o = originOf(url);
      if (o !== undefined && o !== own) set.add(o);
    }
    return set;
  }

  return async function guardOrigin(c, next) {
    const method = c.req.method;
    const caller = callerOrigin(c);
    const own = new URL(c.req.url).origin;
    const cors = crossOrigins(c);
    const corsOrigin = typeof caller === "string" && cors.has(caller) ? caller : undefined;

    if (method === "OPTIONS" && c.req.header("access-control-request-method") !== undefined) {
      if (corsOrigin === undefined) throw new PorticoError(ErrorCode.ORIGIN_REFUSED, "This origin may not call the management API.");
      return c.body(null, 204, {
        "Access-Control-Allow-Origin": corsOrigin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": "600",
        Vary: "Origin",
      });
    }

    let refusal: PorticoError | undefined;
    if (STATE_CHANGING.has(method)) {
      const type = c.req.header("content-type");
      const needsJson = method !== "DELETE" || type !== undefined;
      if (caller === null || (caller !== undefined && caller !== own && corsOrigin === undefined)) {
        refusal = new PorticoError(ErrorCode.ORIGIN_REFUSED, "Cross-site request refused: the Origin is not the portal's.");
      } else if (needsJson && (type === undefined || !JSON_TYPE.test(type))) {
        refusal = new PorticoError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "State changes accept only JSON: send Content-Type: application/json.");
      }
    }

    const withCors = (res: Response) => {
      if (corsOrigin !== undefined) {
        res.headers.set("Access-Control-Allow-Origin", corsOrigin);
        res.headers.set("Access-Control-Allow-Credentials", "true");
        res.headers.set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
      }
      res.headers.append("Vary", "Origin");
      return res;
    };
    // Answered here rather than thrown, so that a refusal sent to the
    // cross-origin portal still carries the CORS headers it needs to read it.
    if (refusal !== undefined) return withCors(jsonError(c, refusal));
    await next();
    withCors(c.res);
  };
}
