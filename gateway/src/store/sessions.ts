/**
 * Sign-in sessions, after the design at lucia-auth.com: the cookie holds a
 * random token, the database holds only its SHA-256 (the session id), and
 * the expiry slides forward while the session is used.
 *
 * A leaked database therefore yields no usable cookie, and signing out
 * everywhere is deleting rows.
 */
import { and, asc, eq, gt, lte, ne } from "drizzle-orm";
import { hashToken, newToken } from "./ids.ts";
import type { StoreHandle } from "./outcome.ts";
import { sessions, users, type SessionRow } from "./schema.ts";
import type { User } from "./users.ts";

export type Session = SessionRow;

/** How long a session lives without use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * `lastSeenAt` is rewritten at most this often: it is informational (the
 * "your sessions" list), and writing it on every request would turn every
 * page load into a database write.
 */
export const LAST_SEEN_RESOLUTION_MS = 60 * 1000;

export interface NewSession {
  userId: string;
  ip?: string | null;
  userAgent?: string | null;
  ttlMs?: number;
}

/** The session id stored for a token (what `deleteSession` takes). */
export function sessionIdFromToken(token: string): string {
  return hashToken(token);
}

/**
 * Starts a session. The token is returned once, for the cookie; only its
 * hash is stored.
 */
export async function createSession(
  store: StoreHandle,
  input: NewSession,
  now: Date = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = newToken();
  const [session] = await store.db
    .insert(sessions)
    .values({
      id: hashToken(token),
      userId: input.userId,
      expiresAt: new Date(now.getTime() + (input.ttlMs ?? SESSION_TTL_MS)),
      createdAt: now,
      lastSeenAt: now,
      ip: input.ip ?? null,
      // Bounded: it is shown in a list, and a client controls it.
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    })
    .returning();
  return { token, session: session! };
}

/**
 * The new expiry when a session should slide forward, or null when it need
 * not. Like lucia: once less than half the lifetime remains, the session is
 * renewed for a full lifetime, so an active user stays signed in while the
 * cookie is rewritten at most about once per half-lifetime.
 */
export function slidingExpiry(session: Pick<Session, "expiresAt">, now: Date, ttlMs: number = SESSION_TTL_MS): Date | null {
  const remaining = session.expiresAt.getTime() - now.getTime();
  return remaining < ttlMs / 2 ? new Date(now.getTime() + ttlMs) : null;
}

export interface ValidatedSession {
  session: Session;
  user: User;
  /** True when the expiry moved: the caller re-sends the cookie with the new expiry. */
  refreshed: boolean;
}

/**
 * The session and user for a cookie's token, or null when there is none:
 * unknown token, expired session (deleted on the way), or an account that is
 * deleted or not active (a blocked user's sessions are deleted when blocked;
 * this also covers any created in a race with the block).
 */
export async function validateSessionToken(
  store: StoreHandle,
  token: string,
  options: { now?: Date; ttlMs?: number } = {},
): Promise<ValidatedSession | null> {
  const now = options.now ?? new Date();
  const ttlMs = options.ttlMs ?? SESSION_TTL_MS;
  const id = hashToken(token);
  const [row] = await store.db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, id))
    .limit(1);
  if (row === undefined) return null;
  const { session, user } = row;
  if (session.expiresAt.getTime() <= now.getTime() || user.deletedAt !== null || user.state !== "active") {
    await store.db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }

  const newExpiry = slidingExpiry(session, now, ttlMs);
  const stale = now.getTime() - session.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS;
  if (newExpiry === null && !stale) return { session, user, refreshed: false };

  const set: Partial<Session> = { lastSeenAt: now };
  if (newExpiry !== null) set.expiresAt = newExpiry;
  await store.db.update(sessions).set(set).where(eq(sessions.id, id));
  return { session: { ...session, ...set }, user, refreshed: newExpiry !== null };
}

/** Moves a session's expiry (e.g. "remember me" chosen after sign-in). */
export async function extendSession(store: StoreHandle, sessionId: string, expiresAt: Date): Promise<boolean> {
  const result = await store.db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
  return result.rowsAffected > 0;
}

/** Signs one session out. True when it existed. */
export async function deleteSession(store: StoreHandle, sessionId: string): Promise<boolean> {
  const result = await store.db.delete(sessions).where(eq(sessions.id, sessionId));
  return result.rowsAffected > 0;
}

/**
 * Signs a user out everywhere, optionally keeping the session making the
 * request (after a password change). Returns how many were removed.
 */
export async function deleteUserSessions(
  store: StoreHandle,
  userId: string,
  options: { exceptSessionId?: string } = {},
): Promise<number> {
  const where =
    options.exceptSessionId === undefined
      ? eq(sessions.userId, userId)
      : and(eq(sessions.userId, userId), ne(sessions.id, options.exceptSessionId));
  const result = await store.db.delete(sessions).where(where);
  return result.rowsAffected;
}

/** A user's unexpired sessions, oldest first, for "where you are signed in". */
export async function listUserSessions(store: StoreHandle, userId: string, now: Date = new Date()): Promise<Session[]> {
  return store.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .orderBy(asc(sessions.createdAt));
}

/** Housekeeping: removes expired sessions. Returns how many. */
export async function deleteExpiredSessions(store: StoreHandle, now: Date = new Date()): Promise<number> {
  const result = await store.db.delete(sessions).where(lte(sessions.expiresAt, now));
  return result.rowsAffected;
}
