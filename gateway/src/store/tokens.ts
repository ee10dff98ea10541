/**
 * One-time tokens: e-mail verification, password reset, invitation, e-mail
 * change, and the OIDC sign-in state. The plaintext goes out once (in a link
 * or a short-lived cookie); the database keeps only its SHA-256.
 *
 * Consuming is one guarded UPDATE (`used_at IS NULL AND expires_at > now`),
 * so of two requests racing with the same link exactly one succeeds.
 */
import { and, eq, gt, isNotNull, isNull, lte, or, type SQL } from "drizzle-orm";
import { hashToken, newToken } from "./ids.ts";
import { fail, withTransaction, type Failure, type StoreHandle } from "./outcome.ts";
import { oneTimeTokens, type OneTimeTokenRow, type TokenKind } from "./schema.ts";
import { normalizeEmail } from "./users.ts";

export type OneTimeToken = OneTimeTokenRow;

const HOUR = 60 * 60 * 1000;

/** How long each kind of link stays valid unless the caller says otherwise. */
export const DEFAULT_TOKEN_TTL_MS: Record<TokenKind, number> = {
  verify: 48 * HOUR,
  // Short: a reset link in a mailbox is a way into the account.
  reset: 1 * HOUR,
  invite: 7 * 24 * HOUR,
  "email-change": 24 * HOUR,
  // Covers one trip to the identity provider and back.
  "oidc-state": HOUR / 6,
};

export interface NewOneTimeToken {
  kind: TokenKind;
  userId?: string | null;
  email?: string | null;
  data?: Record<string, unknown>;
  ttlMs?: number;
  /**
   * Revoke this user's (or, without a user, this address's) unused tokens of
   * the same kind first, so only the newest link works: asking for a second
   * reset e-mail must make the first one useless.
   */
  replacePrevious?: boolean;
}

export async function createOneTimeToken(
  store: StoreHandle,
  input: NewOneTimeToken,
  now: Date = new Date(),
): Promise<{ token: string; record: OneTimeToken }> {
  const token = newToken();
  const email = input.email == null ? null : normalizeEmail(input.email);
  return withTransaction(store, async (tx) => {
    if (input.replacePrevious && (input.userId != null || email !== null)) {
      await revokeOneTimeTokens(tx, { kind: input.kind, userId: input.userId ?? undefined, email: email ?? undefined });
    }
    const [record] = await tx.db
      .insert(oneTimeTokens)
      .values({
        id: hashToken(token),
        kind: input.kind,
        userId: input.userId ?? null,
        email,
        data: input.data ?? {},
        createdAt: now,
        expiresAt: new Date(now.getTime() + (input.ttlMs ?? DEFAULT_TOKEN_TTL_MS[input.kind])),
      })
      .returning();
    return { token, record: record! };
  });
}

/**
 * Why a token was refused. For logs and tests: a route answers INVALID_TOKEN
 * whatever the reason, so a link's state is not revealed to whoever holds it.
 */
export type TokenRefusal = "unknown" | "used" | "expired";

export type TokenResult = { ok: true; record: OneTimeToken } | (Failure<"INVALID_TOKEN"> & { reason: TokenRefusal });

/**
 * Uses a token: succeeds once, for the kind it was made for, before it expires.
 * A token of another kind is `unknown` (a reset link must not verify an address).
 */
export async function consumeOneTimeToken(
  store: StoreHandle,
  token: string,
  kind: TokenKind,
  now: Date = new Date(),
): Promise<TokenResult> {
  const id = hashToken(token);
  const [record] = await store.db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.id, id), eq(oneTimeTokens.kind, kind), isNull(oneTimeTokens.usedAt), gt(oneTimeTokens.expiresAt, now)))
    .returning();
  if (record !== undefined) return { ok: true, record };
  return refusal(store, id, kind, now);
}

/**
 * Checks a token without using it: for pages that show something before the
 * action (the invitation page shows the invited address).
 */
export async function peekOneTimeToken(
  store: StoreHandle,
  token: string,
  kind: TokenKind,
  now: Date = new Date(),
): Promise<TokenResult> {
  const id = hashToken(token);
  const [record] = await store.db
    .select()
    .from(oneTimeTokens)
    .where(and(eq(oneTimeTokens.id, id), eq(oneTimeTokens.kind, kind)))
    .limit(1);
  if (record !== undefined && record.usedAt === null && record.expiresAt.getTime() > now.getTime()) {
    return { ok: true, record };
  }
  return refusal(store, id, kind, now);
}

/** Deletes unused tokens of a kind for a user and/or address. Returns how many. */
export async function revokeOneTimeTokens(
  store: StoreHandle,
  target: { kind: TokenKind; userId?: string; email?: string },
): Promise<number> {
  const who: SQL[] = [];
  if (target.userId !== undefined) who.push(eq(oneTimeTokens.userId, target.userId));
  if (target.email !== undefined) who.push(eq(oneTimeTokens.email, normalizeEmail(target.email)));
  if (who.length === 0) return 0;
  const result = await store.db
    .delete(oneTimeTokens)
    .where(and(eq(oneTimeTokens.kind, target.kind), isNull(oneTimeTokens.usedAt), or(...who)));
  return result.rowsAffected;
}

/**
 * Housekeeping: removes expired tokens, and used ones older than
 * `keepUsedMs` (kept a while so a second click on a used link can be told
 * "already used" in logs rather than "unknown").
 */
export async function deleteExpiredTokens(
  store: StoreHandle,
  now: Date = new Date(),
  keepUsedMs: number = 24 * HOUR,
): Promise<number> {
  const result = await store.db
    .delete(oneTimeTokens)
    .where(
      or(
        lte(oneTimeTokens.expiresAt, now),
        and(isNotNull(oneTimeTokens.usedAt), lte(oneTimeTokens.usedAt, new Date(now.getTime() - keepUsedMs))),
      ),
    );
  return result.rowsAffected;
}

async function refusal(
  store: StoreHandle,
  id: string,
  kind: TokenKind,
  now: Date,
): Promise<Failure<"INVALID_TOKEN"> & { reason: TokenRefusal }> {
  const [row] = await store.db
    .select({ kind: oneTimeTokens.kind, usedAt: oneTimeTokens.usedAt, expiresAt: oneTimeTokens.expiresAt })
    .from(oneTimeTokens)
    .where(eq(oneTimeTokens.id, id))
    .limit(1);
  const reason: TokenRefusal =
    row === undefined || row.kind !== kind
      ? "unknown"
      : row.usedAt !== null
        ? "used"
        : row.expiresAt.getTime() <= now.getTime()
          ? "expired"
          : "unknown";
  return { ...fail("INVALID_TOKEN", "This link is invalid or has expired."), reason };
}
