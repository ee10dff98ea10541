/**
 * Keys from an issuer, fetched over HTTP with undici (never `fetch()`),
 * cached for `cacheMs`, and fetched again early when a token names a key
 * id the cache does not know (key rotation), at most once per cooldown so
 * that tokens with made-up key ids cannot make the gateway hammer the
 * issuer. Concurrent calls share one fetch.
 */
import { createLocalJWKSet, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput, type CryptoKey } from "jose";
import { request } from "undici";

export const REFETCH_COOLDOWN_MS = 30_000;
const MAX_DOCUMENT_BYTES = 512 * 1024;

export class KeysUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "KeysUnavailableError";
  }
}

export interface RemoteKeySetOptions {
  /** An OpenID configuration URL, or a JWKS URL. */
  url: string;
  kind: "openid" | "jwks";
  cacheMs: number;
  now: () => number;
  timeoutMs?: number;
}

export class RemoteKeySet {
  readonly options: RemoteKeySetOptions;
  /** The `issuer` of the OpenID configuration, once fetched. */
  issuer: string | undefined;
  fetches = 0;
  #local: ReturnType<typeof createLocalJWKSet> | null = null;
  #fetchedAt = -Infinity;
  #inflight: Promise<void> | null = null;

  constructor(options: RemoteKeySetOptions) {
    this.options = options;
  }

  /** Makes sure keys (and the issuer) are loaded and fresh; throws KeysUnavailableError when they cannot be fetched and none are cached. */
  async ready(): Promise<void> {
    if (this.#local !== null && this.options.now() - this.#fetchedAt < this.options.cacheMs) return;
    try {
      await this.#refresh();
    } catch (err) {
      // Stale keys are better than none while the issuer is unreachable.
      if (this.#local === null) throw err;
    }
  }

  /** A key resolver for jose's jwtVerify. */
  getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    await this.ready();
    try {
      return await this.#local!(header, token);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== "ERR_JWKS_NO_MATCHING_KEY" || this.options.now() - this.#fetchedAt < REFETCH_COOLDOWN_MS) throw err;
      await this.#refresh();
      return this.#local!(header, token);
    }
  };

  #refresh(): Promise<void> {
    this.#inflight ??= this.#load().finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #load(): Promise<void> {
    let jwksUrl = this.options.url;
    if (this.options.kind === "openid") {
      const config = (await this.#getJson(this.options.url)) as { jwks_uri?: unknown; issuer?: unknown };
      if (typeof config.jwks_uri !== "string") throw new KeysUnavailableError(`${this.options.url} has no jwks_uri`);
      jwksUrl = new URL(config.jwks_uri, this.options.url).href;
      if (typeof config.issuer === "string") this.issuer = config.issuer;
    }
    const jwks = (await this.#getJson(jwksUrl)) as JSONWebKeySet;
    if (!Array.isArray(jwks?.keys)) throw new KeysUnavailableError(`${jwksUrl} is not a JSON Web Key Set`);
    this.#local = createLocalJWKSet(jwks);
    this.#fetchedAt = this.options.now();
  }

  async #getJson(url: string): Promise<unknown> {
    this.fetches++;
    const timeout = this.options.timeoutMs ?? 5_000;
    let answer;
    try {
      answer = await request(url, { method: "GET", headers: { accept: "application/json" }, headersTimeout: timeout, bodyTimeout: timeout });
    } catch (err) {
      throw new KeysUnavailableError(`cannot fetch ${url}: ${(err as Error).message}`, { cause: err });
    }
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      throw new KeysUnavailableError(`${url} answered ${answer.statusCode}`);
    }
    const declared = Number(answer.headers["content-length"]);
    if (declared > MAX_DOCUMENT_BYTES) {
      await answer.body.dump();
      throw new KeysUnavailableError(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    }
    const text = await answer.body.text();
    if (text.length > MAX_DOCUMENT_BYTES) throw new KeysUnavailableError(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new KeysUnavailableError(`${url} is not JSON`, { cause: err });
    }
  }
}
