/**
 * Subscription keys: how they look, how they are hashed for lookup, and how
 * the owner's copy is encrypted.
 *
 * A key is `<prefix>_<base58 of 24 random bytes>`, e.g.
 * `dfly_4Jc9XkP2…`. The prefix says whose key it is when one turns up in a
 * log or a leaked repository; base58 avoids look-alike characters and
 * survives a double-click copy.
 *
 * What is stored (never the key itself):
 * - `hash`: hex HMAC-SHA-256 under the server's key-hashing secret. The
 *   gateway hashes the presented key and looks the hash up. An HMAC rather
 *   than a plain hash, so a stolen database cannot even confirm a guessed key
 *   without the secret too.
 * - `encrypted`: AES-256-GCM of the key, for "show key". GCM authenticates, so
 *   a modified value fails to decrypt instead of yielding a wrong key.
 * - `start`: the prefix and the first four characters, for display.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import type { Secrets } from "./secrets.ts";

export const KEY_PREFIX_PATTERN = /^[a-z0-9]{1,16}$/;
const KEY_RANDOM_BYTES = 24;
const START_CHARS = 4;

const BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/**
 * 24 random bytes are at most 33 base58 digits; shorter encodings (small
 * numbers) are left-padded with '1', base58's zero digit, so every key has
 * the same length and one pattern recognises them all.
 */
const KEY_BODY_CHARS = 33;
const KEY_PATTERN = /^[a-z0-9]{1,16}_[1-9A-HJ-NP-Za-km-z]{33}$/;

/** Version tag of the encrypted format: lets a later format (or key rotation) coexist. */
const ENCRYPTION_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the ciphertext to its purpose, so no other AES-GCM value under this key decrypts as a key. */
const AAD = new TextEncoder().encode("portico/subscription-key/v1");

export interface NewKey {
  /** The plaintext: give it to the owner, never store it. */
  key: string;
  hash: string;
  encrypted: string;
  start: string;
}

export type DecryptResult = { ok: true; key: string } | { ok: false; code: "KEY_DECRYPTION_FAILED"; message: string };

/**
 * A new key for a subscription. Throws on a prefix that breaks the format:
 * the prefix comes from configuration (portal.yaml `keyPrefix`), which the
 * content model validates first, so a bad one here is a programming error.
 */
export function newKey(prefix: string, secrets: Secrets): NewKey {
  if (!KEY_PREFIX_PATTERN.test(prefix)) {
    throw new TypeError(`Invalid key prefix "${prefix}": it must match ${KEY_PREFIX_PATTERN.source} (lower-case letters and digits, 1 to 16).`);
  }
  const key = `${prefix}_${encodeBase58(randomBytes(KEY_RANDOM_BYTES)).padStart(KEY_BODY_CHARS, "1")}`;
  return { key, hash: hashKey(key, secrets), encrypted: encryptKey(key, secrets), start: keyStart(key) };
}

/** Hex HMAC-SHA-256 of a presented key: what the gateway looks up. */
export function hashKey(key: string, secrets: Secrets): string {
  return createHmac("sha256", secrets.keyHashSecret).update(key, "utf8").digest("hex");
}

/**
 * Whether a string has the shape of a Portico key. The gateway may use it to
 * answer "invalid key" without hashing junk; it says nothing about validity.
 */
export function isWellFormedKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** The part of a key safe to display: `dfly_4Jc9`. */
export function keyStart(key: string): string {
  const separator = key.indexOf("_");
  return key.slice(0, separator + 1 + START_CHARS);
}

export function encryptKey(key: string, secrets: Secrets): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", secrets.keyEncryptionKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(key, "utf8"), cipher.final()]);
  const packed = Buffer.concat([iv, cipher.getAuthTag(), body]);
  return `${ENCRYPTION_VERSION}.${encodeBase64urlNoPadding(packed)}`;
}

/**
 * The plaintext of an encrypted key, or a refusal when the value was altered,
 * was made under another encryption key, or is not in a known format.
 */
export function decryptKey(encrypted: string, secrets: Secrets): DecryptResult {
  const dot = encrypted.indexOf(".");
  const version = dot < 0 ? "" : encrypted.slice(0, dot);
  if (version !== ENCRYPTION_VERSION) {
    return { ok: false, code: "KEY_DECRYPTION_FAILED", message: `Unknown encrypted key format "${version}".` };
  }
  let packed: Uint8Array;
  try {
    packed = decodeBase64urlIgnorePadding(encrypted.slice(dot + 1));
  } catch {
    return { ok: false, code: "KEY_DECRYPTION_FAILED", message: "The encrypted key is not valid base64url." };
  }
  if (packed.length <= IV_BYTES + TAG_BYTES) {
    return { ok: false, code: "KEY_DECRYPTION_FAILED", message: "The encrypted key is truncated." };
  }
  const iv = packed.subarray(0, IV_BYTES);
  const tag = packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const body = packed.subarray(IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", secrets.keyEncryptionKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    const key = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    return { ok: true, key };
  } catch {
    // GCM's tag check failed: tampered data or a different encryption key.
    return { ok: false, code: "KEY_DECRYPTION_FAILED", message: "The encrypted key failed authentication (altered, or encrypted under another key)." };
  }
}

/** Bitcoin-alphabet base58 (no 0, O, I, l), leading zero bytes as '1'. */
export function encodeBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Repeated division of the big-endian number by 58, digits collected little-endian.
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let out = "1".repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += BASE58_ALPHABET[digits[i]!];
  return out;
}
