/**
 * Sign-in sessions over HTTP: the cookie on one side, the store's sessions
 * (token → SHA-256 id, 30-day sliding expiry) on the other, and the caller's
 * groups resolved once per request for the visibility rule.
 */
import type { Context } from "hono";
import {
  createSession,
  deleteSession,
  deleteUserSessions,
  listUserGroups,
  sessionIdFromToken,
  validateSessionToken,
  type Store,
  type User,
} from "../store/index.ts";
import { clearCookie, cookieSettings, readCookie, writeCookie, type CookieSettings } from "./session-cookie.ts";
import { groupsOf, isAdministrator, type Groups } from "./visibility.ts";

/** Who is calling, for a signed-in request. */
export interface Auth {
  user: User;
  /** The stored session id (the token's hash), never the token. */
  sessionId: string;
  /** Stored memberships only (administrators, partners, …). */
  memberships: string[];
  /** Everything visibility decides on: guests, developers and the memberships. */
  groups: Groups;
  administrator: boolean;
}

export interface SessionManagerOptions {
  store: Store;
  /** The portal's public URL, read per request: it is known only once the listener has a port. */
  portalUrl: () => string;
  /** The service's public URL when the portal is hosted on another origin (portal.yaml `serviceUrl`). */
  serviceUrl?: () => string | undefined;
}

export class SessionManager {
  readonly #store: Store;
  readonly #portalUrl: () => string;
  readonly #serviceUrl: () => string | undefined;
  #settings: { key: string; cookie: CookieSettings } | undefined;

  constructor(options: SessionManagerOptions) {
    this.#store = options.store;
    this.#portalUrl = options.portalUrl;
    this.#serviceUrl = options.serviceUrl ?? (() => undefined);
  }

  cookie(): CookieSettings {
    const url = this.#portalUrl();
    const service = this.#serviceUrl() ?? url;
    const key = `${url} ${service}`;
    if (this.#settings?.key !== key) this.#settings = { key, cookie: cookieSettings(url, undefined, service) };
    return this.#settings.cookie;
  }

  /** The caller, or null for a guest. A dead cookie is cleared; a renewed session re-sends it. */
  async authenticate(c: Context): Promise<Auth | null> {
    const cookie = this.cookie();
    const token = readCookie(c, cookie);
    if (token === undefined) return null;
    const valid = await validateSessionToken(this.#store, token);
    if (valid === null) {
      clearCookie(c, cookie);
      return null;
    }
    if (valid.refreshed) writeCookie(c, cookie, token, valid.session.expiresAt);
    return this.#authOf(valid.user, valid.session.id);
  }

  async #authOf(user: User, sessionId: string): Promise<Auth> {
    const memberships = await listUserGroups(this.#store, user.id);
    const groups = groupsOf(user, memberships);
    return { user, sessionId, memberships, groups, administrator: isAdministrator(groups) };
  }

  /** Starts a session for `user` and sets the cookie; an older session of this browser ends. */
  async start(c: Context, user: User, meta: { ip: string }): Promise<void> {
    const cookie = this.cookie();
    const previous = readCookie(c, cookie);
    if (previous !== undefined) await deleteSession(this.#store, sessionIdFromToken(previous));
    const { token, session } = await createSession(this.#store, {
      userId: user.id,
      ip: meta.ip,
      userAgent: c.req.header("user-agent") ?? null,
    });
    writeCookie(c, cookie, token, session.expiresAt);
  }

  /** Signs this browser out. */
  async end(c: Context, auth: Auth | null): Promise<void> {
    if (auth !== null) await deleteSession(this.#store, auth.sessionId);
    clearCookie(c, this.cookie());
  }

  /**
   * Ends every session of the user (a password change or reset), then, when
   * `c` is the user's own request, starts a fresh one so they stay signed in
   * here with a new token while every old token, this one included, is dead.
   */
  async endAll(userId: string, continueFor?: { c: Context; user: User; ip: string }): Promise<void> {
    await deleteUserSessions(this.#store, userId);
    if (continueFor !== undefined) await this.start(continueFor.c, continueFor.user, { ip: continueFor.ip });
  }
}
