/**
 * The server's own secrets:
 *
 * - `keyHashSecret`: the HMAC-SHA-256 key under which subscription keys are
 *   hashed for lookup. Every gateway node must share it.
 * - `keyEncryptionKey`: the 256-bit AES-GCM key that encrypts the copy of
 *   each subscription key shown to its owner. Control-plane nodes must share it.
 * - `sessionSecret`: a general secret for signing short-lived values (CSRF
 *   tokens, OIDC state cookies). Never used for the stored session ids.
 *
 * Each comes from the environment when set (`PORTICO_KEY_HASH_SECRET`,
 * `PORTICO_KEY_ENCRYPTION_KEY`, `PORTICO_SESSION_SECRET`, base64url), which is
 * how a cluster shares them; otherwise from `<dataDir>/secrets.json`, which
 * is generated on first start with mode 0600. The file is refused when other
 * users can read it, or when it is malformed: starting with a wrong secret
 * would quietly invalidate every key, so a clear refusal is the safer failure.
 */
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import { link, mkdir, open, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { inspect } from "node:util";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import { z } from "zod";
import { ConfigError } from "../errors.ts";

export const SECRETS_FILE = "secrets.json";

export const SECRET_ENV = {
  keyHashSecret: "PORTICO_KEY_HASH_SECRET",
  keyEncryptionKey: "PORTICO_KEY_ENCRYPTION_KEY",
  sessionSecret: "PORTICO_SESSION_SECRET",
} as const;

type SecretName = keyof typeof SECRET_ENV;
const SECRET_NAMES = Object.keys(SECRET_ENV) as SecretName[];

/** Exact length for the AES key, minimum for the HMAC secrets (RFC 2104: at least the hash size). */
const LENGTH: Record<SecretName, { exact?: number; min?: number }> = {
  keyHashSecret: { min: 32 },
  keyEncryptionKey: { exact: 32 },
  sessionSecret: { min: 32 },
};

export type SecretSource = "env" | "file" | "generated";

export interface Secrets {
  readonly keyHashSecret: Uint8Array;
  readonly keyEncryptionKey: Uint8Array;
  readonly sessionSecret: Uint8Array;
  /** Where each secret came from, for a start-up log line (never the values). */
  readonly sources: Readonly<Record<SecretName, SecretSource>>;
}

export interface LoadSecretsOptions {
  dataDir: string;
  /** Defaults to `process.env`; tests pass their own. */
  env?: Record<string, string | undefined>;
}

const fileSchema = z.strictObject({
  version: z.literal(1),
  createdAt: z.string(),
  keyHashSecret: z.string(),
  keyEncryptionKey: z.string(),
  sessionSecret: z.string(),
});

/**
 * Reads the secrets, generating the file on first start. Throws ConfigError
 * (naming the variable or the file and how to fix it) when a value is
 * malformed or the file is unsafe; the caller must not start without them.
 */
export async function loadSecrets(options: LoadSecretsOptions): Promise<Secrets> {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(options.dataDir);
  const file = path.join(dataDir, SECRETS_FILE);

  const fromEnv: Partial<Record<SecretName, Uint8Array>> = {};
  for (const name of SECRET_NAMES) {
    const raw = env[SECRET_ENV[name]];
    if (raw !== undefined && raw.trim() !== "") {
      fromEnv[name] = decodeSecret(raw.trim(), name, `the environment variable ${SECRET_ENV[name]}`);
    }
  }

  const values = { ...fromEnv };
  const sources = {} as Record<SecretName, SecretSource>;
  for (const name of SECRET_NAMES) if (fromEnv[name] !== undefined) sources[name] = "env";

  if (SECRET_NAMES.some((name) => fromEnv[name] === undefined)) {
    // The file holds all three even when some come from the environment, so
    // that unsetting a variable later falls back to a stable value.
    const { stored, generated } = await readOrCreateFile(dataDir, file);
    for (const name of SECRET_NAMES) {
      if (values[name] === undefined) {
        values[name] = stored[name];
        sources[name] = generated ? "generated" : "file";
      }
    }
  }

  return makeSecrets(values as Record<SecretName, Uint8Array>, sources);
}

/** Builds a Secrets value (tests and tools that already hold the bytes). */
export function makeSecrets(
  values: Record<SecretName, Uint8Array>,
  sources: Record<SecretName, SecretSource> = { keyHashSecret: "env", keyEncryptionKey: "env", sessionSecret: "env" },
): Secrets {
  for (const name of SECRET_NAMES) checkLength(values[name], name, "the given value");
  const secrets = {
    keyHashSecret: values.keyHashSecret,
    keyEncryptionKey: values.keyEncryptionKey,
    sessionSecret: values.sessionSecret,
    sources: Object.freeze({ ...sources }),
  };
  // A Secrets value that ends up in a log line or a JSON dump shows where the
  // secrets came from, never the bytes.
  Object.defineProperty(secrets, "toJSON", { value: () => ({ sources: secrets.sources }), enumerable: false });
  Object.defineProperty(secrets, inspect.custom, {
    value: () => `Secrets { sources: ${JSON.stringify(secrets.sources)} }`,
    enumerable: false,
  });
  return Object.freeze(secrets);
}

/** Fresh random secrets, in the format `secrets.json` and the variables use. */
export function generateSecretValues(): Record<SecretName, string> {
  return {
    keyHashSecret: encodeBase64urlNoPadding(randomBytes(32)),
    keyEncryptionKey: encodeBase64urlNoPadding(randomBytes(32)),
    sessionSecret: encodeBase64urlNoPadding(randomBytes(32)),
  };
}

async function readOrCreateFile(
  dataDir: string,
  file: string,
): Promise<{ stored: Record<SecretName, Uint8Array>; generated: boolean }> {
  const existing = await readFileSafely(file);
  if (existing !== null) return { stored: parseFile(existing, file), generated: false };

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const content = JSON.stringify({ version: 1, createdAt: new Date().toISOString(), ...generateSecretValues() }, null, 2) + "\n";
  // Write a private temporary file, then hard-link it into place: the link
  // fails if another process won the race to create secrets.json, and a
  // reader never sees a half-written file.
  const temp = path.join(dataDir, `.${SECRETS_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  await writeFile(temp, content, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = await readFileSafely(file);
    if (winner === null) throw error;
    return { stored: parseFile(winner, file), generated: false };
  } finally {
    await unlink(temp).catch(() => {});
  }
  return { stored: parseFile(content, file), generated: true };
}

/** The file's text, or null when it does not exist; refuses unsafe permissions. */
async function readFileSafely(file: string): Promise<string | null> {
  let handle;
  try {
    // O_NOFOLLOW: a symlink planted in the data folder must not redirect us.
    handle = await open(file, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP") throw new ConfigError(`${file} is a symbolic link; replace it with the file itself (mode 0600).`);
    throw error;
  }
  try {
    // Checked on the open handle, so the file cannot be swapped between the
    // check and the read.
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ConfigError(`${file} is not a regular file.`);
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(3, "0");
      throw new ConfigError(
        `${file} is accessible to other users (mode ${mode}); it holds the server's secrets. ` +
          `Run \`chmod 600 ${file}\`, and rotate the secrets if others may have read them.`,
      );
    }
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

function parseFile(text: string, file: string): Record<SecretName, Uint8Array> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${file} is not valid JSON. Restore it from a backup; deleting it makes new secrets and invalidates every subscription key.`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ConfigError(`${file} is malformed (${issues}). Restore it from a backup; deleting it makes new secrets and invalidates every subscription key.`);
  }
  return {
    keyHashSecret: decodeSecret(parsed.data.keyHashSecret, "keyHashSecret", `${file} field keyHashSecret`),
    keyEncryptionKey: decodeSecret(parsed.data.keyEncryptionKey, "keyEncryptionKey", `${file} field keyEncryptionKey`),
    sessionSecret: decodeSecret(parsed.data.sessionSecret, "sessionSecret", `${file} field sessionSecret`),
  };
}

function decodeSecret(value: string, name: SecretName, where: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value)) {
    throw new ConfigError(`${where} is not base64url. Generate one with: node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`);
  }
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64urlIgnorePadding(value);
  } catch {
    throw new ConfigError(`${where} is not valid base64url.`);
  }
  checkLength(bytes, name, where);
  return bytes;
}

function checkLength(bytes: Uint8Array, name: SecretName, where: string): void {
  const { exact, min } = LENGTH[name];
  if (exact !== undefined && bytes.length !== exact) {
    throw new ConfigError(`${where} must decode to exactly ${exact} bytes (${exact * 8} bits); it has ${bytes.length}.`);
  }
  if (min !== undefined && bytes.length < min) {
    throw new ConfigError(`${where} must decode to at least ${min} bytes; it has ${bytes.length}.`);
  }
}
