/**
 * The session cookie. Its name starts with `portico_` (or `__Host-portico_`
 * under HTTPS) because the gateway strips every cookie matching
 * /^(__Host-|__Secure-)?portico[_-]/ before forwarding a call: a portal
 * session must never reach a backend.
 *
 * HttpOnly (scripts cannot read it), SameSite=Lax (a cross-site POST does
 * not carry it), Path=/, and Secure with the `__Host-` prefix when the portal
 * is served over HTTPS, which also forbids a Domain attribute so a sibling
 * subdomain cannot plant or read it.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SESSION_TTL_MS } from "../store/index.ts";

export interface CookieSettings {
  name: string;
  secure: boolean;
}

/** The cookie names for a portal served at `portalUrl`. */
export function cookieSettings(portalUrl: string, base = "portico_session"): CookieSettings {
  const secure = new URL(portalUrl).protocol === "https:";
  return { name: secure ? `__Host-${base}` : base, secure };
}

export function readCookie(c: Context, settings: CookieSettings): string | undefined {
  const value = getCookie(c, settings.name);
  return value === undefined || value === "" ? undefined : value;
}

export function writeCookie(c: Context, settings: CookieSettings, value: string, expiresAt: Date): void {
  setCookie(c, settings.name, value, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: settings.secure,
    expires: expiresAt,
    maxAge: Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000)),
  });
}

export function clearCookie(c: Context, settings: CookieSettings): void {
  deleteCookie(c, settings.name, { path: "/", secure: settings.secure, httpOnly: true, sameSite: "Lax" });
}

export { SESSION_TTL_MS };
