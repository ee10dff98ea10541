/**
 * validate-jwt: key sources and accepted values are set up once; per call
 * the token is taken from the header (or query), verified with jose against
 * the cached keys, and its claims checked. Outcomes are data: a refusal is
 * a failure with a reason, never an exception.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { ErrorCode } from "../../errors.ts";
import { takeQueryParam } from "../../gateway/router.ts";
import { parseQuery } from "../exchange.ts";
import { headerValue } from "../headers.ts";
import { fail, makeStep, type PolicyDefinition, type PolicyEnv, type StepResult } from "../types.ts";
import { KeysUnavailableError, RemoteKeySet } from "./jwks.ts";
import { validateJwtPolicy } from "./schema.ts";

export const priority = validateJwtPolicy.priority;

/** One key set per URL and gateway, shared by every policy and configuration that names it. */
export function remoteKeySet(env: PolicyEnv, url: string, kind: "openid" | "jwks", cacheMs: number): RemoteKeySet {
  const id = `jwks:${kind}:${url}`;
  let set = env.shared.get(id) as RemoteKeySet | undefined;
  if (set === undefined || set.options.cacheMs !== cacheMs) {
    set = new RemoteKeySet({ url, kind, cacheMs, now: () => env.now() });
    env.shared.set(id, set);
  }
  return set;
}

/** jose's error codes, as lastError.reason and in the WWW-Authenticate description. */
function reasonOf(err: unknown): { reason: string; description: string } {
  const e = err as { code?: string; claim?: string };
  switch (e.code) {
    case "ERR_JWT_EXPIRED":
      return { reason: "TokenExpired", description: "The token is expired" };
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (e.claim === "nbf") return { reason: "TokenNotYetValid", description: "The token is not valid yet" };
      if (e.claim === "iss") return { reason: "TokenIssuerNotAllowed", description: "The token's issuer is not accepted" };
      if (e.claim === "aud") return { reason: "TokenAudienceNotAllowed", description: "The token's audience is not accepted" };
      return { reason: "TokenClaimNotFound", description: `The token's ${e.claim ?? "claims"} claim is missing or invalid` };
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return { reason: "TokenSignatureInvalid", description: "The token's signature is invalid" };
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return { reason: "TokenAlgorithmNotAllowed", description: "The token's signing algorithm is not accepted" };
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return { reason: "TokenSignatureKeyNotFound", description: "The token's signing key is not known" };
    default:
      return { reason: "TokenInvalid", description: "The token is malformed" };
  }
}

export const definition: PolicyDefinition<typeof validateJwtPolicy.schema> = {
  ...validateJwtPolicy,
  create(options, ctx) {
    const { env } = ctx;
    const cacheMs = options.cacheDuration * 1000;
    const remote = options.openidConfig !== undefined ? remoteKeySet(env, options.openidConfig, "openid", cacheMs) : options.jwksUri !== undefined ? remoteKeySet(env, options.jwksUri, "jwks", cacheMs) : null;
    const inline = options.keys ?? [];
    // jose's key sets hold public keys only; shared secrets (kty oct) are looked up here.
    const secrets = inline.filter((k) => k.kty === "oct" && typeof k.k === "string").map((k) => ({ kid: k.kid, secret: Buffer.from(k.k as string, "base64url") }));
    const asymmetric = inline.filter((k) => k.kty !== "oct");
    const local = asymmetric.length === 0 ? null : createLocalJWKSet({ keys: asymmetric as never[] });
    const getKey: JWTVerifyGetKey = async (header, token) => {
      if (header.alg?.startsWith("HS")) {
        const match = secrets.find((s) => header.kid === undefined || s.kid === undefined || s.kid === header.kid);
        if (match !== undefined) return new Uint8Array(match.secret);
      }
      if (local !== null) {
        try {
          return await local(header, token);
        } catch (err) {
          if (remote === null) throw err;
        }
      }
      if (remote === null) throw Object.assign(new Error("no key matches the token"), { code: "ERR_JWKS_NO_MATCHING_KEY" });
      return remote.getKey(header, token);
    };
    const code = options.failedStatusCode === 401 ? ErrorCode.INVALID_TOKEN : ErrorCode.FORBIDDEN;
    const { header, query, failedMessage, requiredClaims, outputVariable } = options;
    const scheme = options.scheme.toLowerCase();
    const refuse = (reason: string, description?: string): StepResult =>
      fail("validate-jwt", reason, code, failedMessage, {
        "WWW-Authenticate": description === undefined ? "Bearer" : `Bearer error="invalid_token", error_description="${description}"`,
      });

    return makeStep(
      ctx,
      "validate-jwt",
      async function validateJwt(ex): Promise<StepResult> {
        let token: string | undefined;
        let fromQuery = false;
        const raw = headerValue(ex.headers, header);
        if (raw !== undefined) {
          const space = raw.indexOf(" ");
          if (scheme === "") token = raw.trim();
          else if (space > 0 && raw.slice(0, space).toLowerCase() === scheme) token = raw.slice(space + 1).trim();
        } else if (query !== undefined) {
          token = parseQuery(ex.rawQuery)[query];
          fromQuery = token !== undefined;
        }
        if (token === undefined || token === "") return refuse("TokenNotPresent");

        let issuers = options.issuers;
        if (issuers === undefined && remote !== null && remote.options.kind === "openid") {
          try {
            await remote.ready();
          } catch (err) {
            return keysUnavailable(env, err);
          }
          if (remote.issuer !== undefined) issuers = [remote.issuer];
        }
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, getKey, {
            algorithms: options.algorithms,
            issuer: issuers,
            audience: options.audiences,
            clockTolerance: options.clockSkew,
            currentDate: new Date(env.now()),
            requiredClaims: options.requireExpirationTime ? ["exp"] : [],
          }));
        } catch (err) {
          if (err instanceof KeysUnavailableError) return keysUnavailable(env, err);
          const { reason, description } = reasonOf(err);
          return refuse(reason, description);
        }
        for (const claim of requiredClaims) {
          const value = (payload as Record<string, unknown>)[claim.name];
          if (value === undefined) return refuse("TokenClaimNotFound", `The token has no ${claim.name} claim`);
          if (claim.values.length === 0) continue;
          // Space-separated strings (OAuth `scope`) are lists too.
          const have = Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(" ") : [String(value)];
          const ok = claim.match === "all" ? claim.values.every((v) => have.includes(v)) : claim.values.some((v) => have.includes(v));
          if (!ok) return refuse("TokenClaimValueNotAllowed", `The token's ${claim.name} claim has no accepted value`);
        }
        // A token in the query is a credential like the key: the backend does not get it.
        if (fromQuery) ex.rawQuery = takeQueryParam(ex.rawQuery, query!).rest;
        ex.jwtClaims = payload as Record<string, unknown>;
        if (outputVariable !== undefined) ex.vars[outputVariable] = payload;
        ex.changed();
        return undefined;
      },
      { sync: false },
    );
  },
};

function keysUnavailable(env: PolicyEnv, err: unknown): StepResult {
  env.logger.warn("validate-jwt: the issuer's keys cannot be fetched", { error: err instanceof Error ? err.message : String(err) });
  return fail("validate-jwt", "KeysUnavailable", ErrorCode.JWKS_UNAVAILABLE, "The gateway cannot fetch the keys to check tokens. Try again shortly.");
}
