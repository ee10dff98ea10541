/**
 * The control listener: the built portal, the management API under
 * /api/v1, health and metrics. Management routes are registered by
 * `registerManagementApi` (one file per route); this file wires the shared
 * parts: request ids, security headers, the one error shape, and the portal.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Groups } from "../accounts/visibility.ts";
import { ErrorCode, PorticoError, errorBody } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { PortalSites } from "./portal-sites.ts";
import { requestIdFrom } from "./request-id.ts";
import { staticResponse } from "./static-site.ts";

export interface ReadinessCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

export type ControlEnv = {
  Variables: {
    requestId: string;
  };
};

export interface ControlAppOptions {
  logger: Logger;
  /** The built portal, public and restricted trees; a getter because a rebuild replaces it. */
  site: () => PortalSites;
  /**
   * The groups of the caller's session, or null for a guest; set once the
   * management layer is registered. Without it everyone gets the public portal.
   */
  viewer?: () => ((c: Context) => Promise<Groups | null>) | undefined;
  /** Extra work on portal pages (the dev server's live reload); may return a replacement. */
  decoratePage?: (res: Response, urlPath: string) => Response | Promise<Response>;
  readiness: ReadinessCheck[];
  /** Prometheus text at `/metrics` for callers `allowed` accepts; others get the 404 of a missing page. */
  metrics?: { render(): string; allowed(req: Request, peer: string): boolean };
  /** Registers /api/v1 routes and anything else on the app. */
  register?: (app: Hono<ControlEnv>) => void;
}

export function jsonError(c: Context, err: PorticoError): Response {
  const body = errorBody(err.code, err.message, c.get("requestId") as string | undefined, err.details);
  const res = c.json(body, err.status as 400);
  if (err.headers) for (const [k, v] of Object.entries(err.headers)) res.headers.set(k, v);
  return res;
}

export function createControlApp(options: ControlAppOptions): Hono<ControlEnv> {
  const { logger } = options;
  const app = new Hono<ControlEnv>();

  app.use(async function requestContext(c, next) {
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    await next();
    c.header("X-Request-Id", requestId);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "strict-origin-when-cross-origin");
    if (!c.res.headers.has("X-Frame-Options")) c.header("X-Frame-Options", "DENY");
  });

  app.onError(function handleError(err, c) {
    if (err instanceof PorticoError) return jsonError(c, err);
    // Infrastructure failures: log everything, tell the caller nothing internal.
    logger.error("unhandled error", { requestId: c.get("requestId"), path: c.req.path, err });
    return jsonError(c, new PorticoError(ErrorCode.INTERNAL, "An internal error occurred. Quote the request id when reporting it."));
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const checks: Record<string, boolean> = {};
    for (const r of options.readiness) {
      try {
        checks[r.name] = await r.check();
      } catch {
        checks[r.name] = false;
      }
    }
    const ready = Object.values(checks).every(Boolean);
    return c.json({ status: ready ? "ready" : "not ready", checks }, ready ? 200 : 503);
  });

  if (options.metrics !== undefined) {
    const metrics = options.metrics;
    app.get("/metrics", (c, next) => {
      const peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? "";
      if (!metrics.allowed(c.req.raw, peer)) return next();
      return c.body(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
    });
  }

  options.register?.(app);

  app.all("/api/*", (c) => jsonError(c, new PorticoError(ErrorCode.NOT_FOUND, `No route for ${c.req.method} ${c.req.path}.`)));

  /*
   * The portal. A guest is served the public tree. A signed-in caller whose
   * groups see more is served their audience's tree (portal-sites.ts), on
   * every request, so a page they may not see answers exactly as a page that
   * never existed: that tree's 404 page, with the same headers. Content-hashed
   * assets of the public tree are the same for everyone and skip the session
   * lookup.
   */
  app.on(["GET", "HEAD"], "*", async function portalPage(c) {
    const sites = options.site();
    const urlPath = decodePath(c.req.path);
    const shared = sites.public.lookup(urlPath);
    if (shared?.immutable) return staticResponse(shared, c.req.raw);
    let site = sites.public;
    const restricted = sites.audiences.length > 0;
    if (restricted) {
      const viewer = options.viewer?.();
      if (viewer !== undefined) site = sites.siteFor(await viewer(c));
    }
    // Where the site has restricted trees, every page depends on the cookie:
    // caches must not hand one caller's page to another.
    const headers: Record<string, string> | undefined = !restricted
      ? undefined
      : site === sites.public
        ? { vary: "Cookie" }
        : { vary: "Cookie", "cache-control": "private, no-cache" };
    const file = site.lookup(urlPath);
    let res: Response;
    if (file) res = staticResponse(file, c.req.raw, 200, file.immutable ? undefined : headers);
    else if (site.notFound) res = staticResponse(site.notFound, c.req.raw, 404, headers);
    else res = c.text("Not found", 404);
    return options.decoratePage ? options.decoratePage(res, urlPath) : res;
  });

  app.all("*", (c) => jsonError(c, new PorticoError(ErrorCode.METHOD_NOT_ALLOWED, `${c.req.method} is not allowed here.`)));

  return app;
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
