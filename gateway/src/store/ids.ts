/**
 * Random identifiers and bearer tokens, and the one-way hash under which a
 * bearer token is stored.
 */
import { createHash, randomBytes } from "node:crypto";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/**
 * A new row id: 120 random bits as 24 lower-case base32 characters. Url-safe,
 * case-insensitive (so it survives e-mail clients and hand copying), and
 * unguessable, so an id in a URL reveals nothing about how many rows exist.
 */
export function newId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(15));
}

/**
 * A new bearer token (session cookie, e-mail link): 256 random bits as 52
 * lower-case base32 characters. Only `hashToken(token)` is ever stored.
 */
export function newToken(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(32));
}

/**
 * Hex SHA-256 of a token. A plain hash is enough (no secret, no salt): the
 * token has 256 bits of entropy, so the hash cannot be reversed by guessing,
 * and a leaked database gives nothing that works as a cookie or a link.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
