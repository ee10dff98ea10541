/**
 * The session cookie. Its name starts with `portico_` (or `__Host-portico_`
 * under HTTPS) because the gateway strips every cookie matching
 * /^(__Host-|__Secure-)?portico[_-]/ before forwarding a call: a portal
 * session must never reach a backend.
 *
 * HttpOnly (scripts cannot read it), SameSite=Lax (a cross-site POST does
 * not carry it), Path=/, and Secure with the `__Host-` prefix when the
 * service is reached over HTTPS, which also forbids a Domain attribute so a
 * sibling subdomain cannot plant or read it.
 *
 * A portal hosted on another origin than the service (portal.yaml `url` and
 * `serviceUrl` differ) calls the service with `credentials: "include"`. When
 * the service is on HTTPS the cookie is then SameSite=None, so the browser
 * sends it with those calls even when the two origins are different sites;
 * the origin guard (origin-guard.ts) still refuses state changes from any
 * other origin. Browsers accept SameSite=None only with Secure, so over
 * plain HTTP the cookie stays Lax and the two origins must be the same site
 * (e.g. 127.0.0.1:4321 and 127.0.0.1:4000).
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SESSION_TTL_MS } from "../store/index.ts";

export interface CookieSettings {
  name: string;
  secure: boolean;
  /** "None" for a portal on another origin over HTTPS; unset means Lax. */
  sameSite?: "None";
}

/**
 * The cookie for a portal served at `portalUrl` by the service at
 * `serviceUrl` (the same URL unless the portal is hosted elsewhere).
 */
export function cookieSettings(portalUrl: string, base = "portico_session", serviceUrl: string = portalUrl): CookieSettings {
  const service = new URL(serviceUrl);
  const secure = service.protocol === "https:";
  const crossOrigin = new URL(portalUrl).origin !== service.origin;
  const name = secure ? `__Host-${base}` : base;
  return crossOrigin && secure ? { name, secure, sameSite: "None" } : { name, secure };
}

export function readCookie(c: Context, settings: CookieSettings): string | undefined {
  const value = getCookie(c, settings.name);
  return value === undefined || value === "" ? undefined : value;
}

export function writeCookie(c: Context, settings: CookieSettings, value: string, expiresAt: Date): void {
  setCookie(c, settings.name, value, {
    httpOnly: true,
    sameSite: settings.sameSite ?? "Lax",
    path: "/",
    secure: settings.secure,
    expires: expiresAt,
    maxAge: Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export function clearCookie(c: Context, settings: CookieSettings): void {
  deleteCookie(c, settings.name, { path: "/", secure: settings.secure, httpOnly: true, sameSite: settings.sameSite ?? "Lax" });
}

export { SESSION_TTL_MS };
