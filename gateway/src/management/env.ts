/**
 * What every management route shares: the Hono environment (request id,
 * the caller), the dependencies built once in app.ts, and the two guards.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { BackgroundTasks } from "../accounts/background.ts";
import type { ClientIpResolver } from "../accounts/client-ip.ts";
import type { Notifier } from "../accounts/notifier.ts";
import type { OidcClient } from "../accounts/oidc.ts";
import type { Auth, SessionManager } from "../accounts/session-manager.ts";
import type { ActionDeps } from "../accounts/subscription-actions.ts";
import type { Throttles } from "../accounts/throttle.ts";
import { ErrorCode, PorticoError } from "../errors.ts";
import type { ServiceContext } from "../server/service.ts";

export type ManagementEnv = {
  Variables: {
    requestId: string;
    /** The signed-in caller, or null for a guest; set for every /api/v1 request. */
    auth: Auth | null;
  };
};

export type ManagementApp = OpenAPIHono<ManagementEnv>;

export interface ManagementDeps {
  ctx: ServiceContext;
  sessions: SessionManager;
  notifier: Notifier;
  throttles: Throttles;
  clientIp: ClientIpResolver;
  oidc: OidcClient;
  actions: ActionDeps;
  background: BackgroundTasks;
}

/** A route's registration: one per file, listed in app.ts. */
export type RegisterRoute = (api: ManagementApp, deps: ManagementDeps) => void;

/**
 * A cookie is the only credential, and no standard scheme names it; this is
 * the form of the expired draft for cookie authentication, which tells a
 * client where to sign in, as RFC 9110 asks of every 401.
 */
const WWW_AUTHENTICATE = 'Cookie realm="portico", form-action="/api/v1/auth/sign-in"';

export function requireUser(c: Context<ManagementEnv>): Auth {
  const auth = c.get("auth");
  if (auth === null) {
    throw new PorticoError(ErrorCode.UNAUTHENTICATED, "Sign in to do this.", { headers: { "WWW-Authenticate": WWW_AUTHENTICATE } });
  }
  return auth;
}

export function requireAdmin(c: Context<ManagementEnv>): Auth {
  const auth = requireUser(c);
  if (!auth.administrator) throw new PorticoError(ErrorCode.FORBIDDEN, "Only administrators may do this.");
  return auth;
}

/**
 * Route middleware (createRoute's `middleware`), run before the request is
 * validated: a guest learns nothing about a route's fields, only that it
 * needs a session, and a developer only that it needs an administrator.
 */
export const signedInOnly: MiddlewareHandler<ManagementEnv> = async function signedInOnly(c, next) {
  requireUser(c);
  await next();
};

export const administratorsOnly: MiddlewareHandler<ManagementEnv> = async function administratorsOnly(c, next) {
  requireAdmin(c);
  await next();
};

/** Throws the store's outcome as the answer (its codes are the ones in errors.ts). */
export function fail(outcome: { code: string; message: string }): never {
  throw new PorticoError(outcome.code as ErrorCode, outcome.message);
}

export function notFound(what: "Product" | "API" | "Subscription" | "User" | "Group" | "Session"): PorticoError {
  return new PorticoError(ErrorCode.NOT_FOUND, `${what} not found.`);
}
