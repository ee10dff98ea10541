/**
 * Sign-in with an OpenID Connect provider (portal.yaml `oidc`): the
 * authorization code flow with PKCE (S256), using arctic's generic OAuth 2
 * client for the two requests and jose to verify the ID token (signature
 * against the provider's JWKS, issuer, audience, expiry, and our nonce).
 *
 * The provider's endpoints come from its discovery document, fetched once
 * per issuer and kept; its `issuer` must equal the configured one exactly,
 * as OpenID Connect Discovery requires, so a document served elsewhere
 * cannot redirect the flow.
 *
 * Providers that follow the specification strictly put scope claims (email,
 * name) in the UserInfo answer rather than the ID token; when the ID token
 * has no address, it is read from UserInfo with the access token, and its
 * `sub` must be the ID token's.
 *
 * Nothing of the flow is stored in the clear: the `state` is a one-time
 * token (only its hash is in the database, holding the page to return to),
 * and the PKCE verifier and the nonce are derived from it with an HMAC under
 * the server's session secret, so they exist only while a request uses them.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { CodeChallengeMethod, OAuth2Client } from "arctic";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Portal } from "../model/catalog.ts";

export type OidcSettings = NonNullable<Portal["oidc"]>;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** Why a flow failed; the callback turns it into `?error=` on the sign-in page. */
export class OidcError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OidcError";
    this.reason = reason;
  }
}

const DISCOVERY_TIMEOUT_MS = 5_000;

function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

export class OidcClient {
  readonly #secret: Uint8Array;
  readonly #providers = new Map<string, Promise<{ doc: Discovery; jwks: JWTVerifyGetKey }>>();

  constructor(secret: Uint8Array) {
    this.#secret = secret;
  }

  #derive(purpose: string, state: string): string {
    return encodeBase64urlNoPadding(createHmac("sha256", this.#secret).update(`portico-oidc:${purpose}:${state}`).digest());
  }

  async #provider(settings: OidcSettings): Promise<{ doc: Discovery; jwks: JWTVerifyGetKey }> {
    let entry = this.#providers.get(settings.issuer);
    if (entry === undefined) {
      entry = discover(settings.issuer);
      this.#providers.set(settings.issuer, entry);
      // A failed discovery is retried by the next sign-in, not cached.
      entry.catch(() => this.#providers.delete(settings.issuer));
    }
    return entry;
  }

  #client(settings: OidcSettings, redirectUri: string): OAuth2Client {
    return new OAuth2Client(settings.clientId, settings.clientSecret ?? null, redirectUri);
  }

  /** The provider's authorization URL for a flow identified by `state`. */
  async authorizationUrl(settings: OidcSettings, redirectUri: string, state: string): Promise<URL> {
    const { doc } = await this.#provider(settings);
    const url = this.#client(settings, redirectUri).createAuthorizationURLWithPKCE(
      doc.authorization_endpoint,
      state,
      CodeChallengeMethod.S256,
      this.#derive("verifier", state),
      settings.scopes,
    );
    url.searchParams.set("nonce", this.#derive("nonce", state));
    return url;
  }

  /** Redeems the code and returns the verified identity. Throws OidcError. */
  async finish(settings: OidcSettings, redirectUri: string, state: string, code: string): Promise<OidcIdentity> {
    const { doc, jwks } = await this.#provider(settings).catch((err: unknown) => {
      throw new OidcError("oidc_unavailable", "The identity provider could not be reached.", { cause: err });
    });
    let idToken: string;
    let accessToken: string;
    try {
      const tokens = await this.#client(settings, redirectUri).validateAuthorizationCode(doc.token_endpoint, code, this.#derive("verifier", state));
      idToken = tokens.idToken();
      accessToken = tokens.accessToken();
    } catch (err) {
      throw new OidcError("oidc_failed", "The identity provider refused the sign-in.", { cause: err });
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, jwks, { issuer: doc.issuer, audience: settings.clientId }));
    } catch (err) {
      throw new OidcError("oidc_failed", "The identity provider's ID token is invalid.", { cause: err });
    }
    const expected = Buffer.from(this.#derive("nonce", state));
    const nonce = Buffer.from(typeof payload.nonce === "string" ? payload.nonce : "");
    if (nonce.length !== expected.length || !timingSafeEqual(nonce, expected)) {
      throw new OidcError("oidc_failed", "The ID token was not issued for this sign-in (nonce mismatch).");
    }
    if (typeof payload.sub !== "string" || payload.sub === "") throw new OidcError("oidc_failed", "The ID token has no subject.");
    let claims: Record<string, unknown> = payload;
    if (typeof payload.email !== "string" && doc.userinfo_endpoint !== undefined) {
      claims = await userInfo(doc.userinfo_endpoint, accessToken, payload.sub);
    }
    return {
      issuer: doc.issuer,
      subject: payload.sub,
      email: typeof claims.email === "string" ? claims.email : null,
      // Only a literal true counts: some providers send the string "true", which proves nothing about who checked it.
      emailVerified: claims.email_verified === true,
      name: typeof claims.name === "string" ? claims.name : null,
    };
  }
}

async function userInfo(endpoint: string, accessToken: string, subject: string): Promise<Record<string, unknown>> {
  let claims: Record<string, unknown>;
  try {
    const res = await fetch(endpoint, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`UserInfo answered ${res.status}`);
    claims = (await res.json()) as Record<string, unknown>;
  } catch (err) {
    throw new OidcError("oidc_failed", "The identity provider's UserInfo endpoint failed.", { cause: err });
  }
  // UserInfo is not signed here; its subject must be the one the signed ID token named.
  if (claims.sub !== subject) throw new OidcError("oidc_failed", "UserInfo names another subject than the ID token.");
  return claims;
}

async function discover(issuer: string): Promise<{ doc: Discovery; jwks: JWTVerifyGetKey }> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`OpenID discovery at ${url} answered ${res.status}`);
  const doc = (await res.json()) as Partial<Discovery>;
  for (const field of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (typeof doc[field] !== "string" || doc[field] === "") throw new Error(`OpenID discovery at ${url} has no ${field}`);
  }
  if (!sameIssuer(doc.issuer!, issuer)) throw new Error(`OpenID discovery at ${url} names issuer ${doc.issuer}, not ${issuer}`);
  return { doc: doc as Discovery, jwks: createRemoteJWKSet(new URL(doc.jwks_uri!)) };
}
