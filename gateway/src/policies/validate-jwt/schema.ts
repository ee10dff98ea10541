import { z } from "zod";
import { definePolicy, headerName } from "../define.ts";

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] as const;
const SYMMETRIC = ["HS256", "HS384", "HS512"] as const;

const httpUrl = (description: string, example: string) =>
  z
    .string()
    .superRefine((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({ code: "custom", message: `must be an absolute URL such as ${example}` });
        return;
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") ctx.addIssue({ code: "custom", message: "must use https (or http on a private network)" });
    })
    .meta({ description, examples: [example] });

export const validateJwtOptions = z
  .strictObject({
    header: headerName("The header carrying the token.").default("Authorization"),
    scheme: z.string().default("Bearer").meta({ description: "The scheme before the token in the header (`Bearer`); empty when the header holds the bare token." }),
    query: z.string().min(1).optional().meta({ description: "A query parameter that may carry the token instead (for clients that cannot set headers); removed before forwarding." }),
    openidConfig: httpUrl("The issuer's OpenID configuration (`…/.well-known/openid-configuration`): its `jwks_uri` gives the keys, its `issuer` the accepted issuer unless `issuers` says otherwise.", "https://login.example.com/.well-known/openid-configuration").optional(),
    jwksUri: httpUrl("The issuer's key set (JWKS), when there is no OpenID configuration.", "https://login.example.com/keys").optional(),
    keys: z
      .array(z.record(z.string(), z.unknown()))
      .optional()
      .meta({ description: "Keys written in content as JWKs (e.g. `{ kty: oct, k: … }` for HS256 with a secret from the environment)." }),
    issuers: z.array(z.string().min(1)).optional().meta({ description: "Accepted `iss` values. Default: the OpenID configuration's issuer; with no OpenID configuration any issuer passes." }),
    audiences: z.array(z.string().min(1)).optional().meta({ description: "Accepted `aud` values; the token must name one. Default: not checked." }),
    requiredClaims: z
      .array(
        z.strictObject({
          name: z.string().min(1).meta({ description: "The claim." }),
          values: z.array(z.string()).default([]).meta({ description: "Accepted values; empty: presence is enough." }),
          match: z.enum(["any", "all"]).default("any").meta({ description: "For list claims (e.g. `roles`): whether one or all of `values` must be in it." }),
        }),
      )
      .default([])
      .meta({ description: "Claims the token must carry, optionally with accepted values." }),
    algorithms: z
      .array(z.enum([...ASYMMETRIC, ...SYMMETRIC]))
      .min(1)
      .default([...ASYMMETRIC])
      .meta({ description: "Accepted signature algorithms. `none` is never accepted; HS* only when listed, and only with `keys` of type `oct`." }),
    clockSkew: z.number().int().min(0).max(600).default(0).meta({ description: "Seconds of leeway for `exp` and `nbf`." }),
    requireExpirationTime: z.boolean().default(true).meta({ description: "Refuse tokens without `exp`." }),
    cacheDuration: z.number().int().min(0).default(3600).meta({ description: "Seconds the fetched keys are reused; a token naming an unknown `kid` fetches them again sooner (at most every 30 s)." }),
    failedStatusCode: z.union([z.literal(401), z.literal(403)]).default(401).meta({ description: "The status of a refusal." }),
    failedMessage: z.string().min(1).default("Unauthorized. Access token is missing or invalid.").meta({ description: "The message of a refusal." }),
    outputVariable: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be a CEL identifier" })
      .optional()
      .meta({ description: "Also store the claims in `vars.<name>` (they are always in `jwt.claims`)." }),
  })
  .superRefine((o, ctx) => {
    const sources = [o.openidConfig, o.jwksUri, o.keys].filter((s) => s !== undefined).length;
    if (sources === 0) ctx.addIssue({ code: "custom", path: [], message: "missing required key 'openidConfig' (or 'jwksUri' or 'keys'): the policy needs keys to check signatures" });
    const symmetric = o.algorithms.filter((a) => (SYMMETRIC as readonly string[]).includes(a));
    if (symmetric.length > 0 && !(o.keys ?? []).some((k) => k.kty === "oct")) {
      ctx.addIssue({ code: "custom", path: ["algorithms"], message: `lists ${symmetric.join(", ")}, which needs a shared secret: add it to keys as { kty: oct, k: <base64url secret> }` });
    }
  });

export const validateJwtPolicy = definePolicy({
  name: "validate-jwt",
  schema: validateJwtOptions,
  priority: 1450,
  sections: ["inbound"],
  summary: "Accepts only calls with a valid JWT: signature, expiry, issuer, audience and required claims.",
  description: [
    "Checks the token in `Authorization: Bearer …` (or the configured header or query parameter) against keys from the issuer's OpenID configuration or JWKS, fetched over HTTP and cached, or written in content. A token naming a key id the cache does not know makes the gateway fetch the keys again, so key rotation works without a restart.",
    "A missing, expired, not-yet-valid, badly signed or wrongly addressed token, a token signed with an algorithm not listed (`alg: none` never passes) and a token missing a required claim are refused with `401`, code `INVALID_TOKEN` and `WWW-Authenticate: Bearer error=\"invalid_token\"`; the backend is not called. An accepted token's claims are readable as `jwt.claims` by later expressions, e.g. `rate-limit-by-key` with `counterKey: jwt.claims.sub`.",
  ].join("\n\n"),
  example: [
    "inbound:",
    "  - validate-jwt:",
    "      openidConfig: https://login.example.com/.well-known/openid-configuration",
    "      audiences: [api://dronefly-weather]",
    "      requiredClaims:",
    "        - { name: scope, values: [forecast.read] }",
  ].join("\n"),
});
