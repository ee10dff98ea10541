import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from "jose";
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { DEFAULT_NOW, startPolicyGateway, type PolicyGateway } from "../testing.ts";

/** An issuer on loopback: OpenID configuration and JWKS over real HTTP, with fetch counts. */
let issuer: { url: string; keys: JWK[]; fetches: { config: number; jwks: number }; server: Server };
let key1: CryptoKeyPair;
let key2: CryptoKeyPair;
let stranger: CryptoKeyPair;
let publicPem: string;

beforeAll(async () => {
  [key1, key2, stranger] = await Promise.all([generateKeyPair("RS256", { extractable: true }), generateKeyPair("RS256", { extractable: true }), generateKeyPair("RS256", { extractable: true })]);
  publicPem = await exportSPKI(key1.publicKey);
  const fetches = { config: 0, jwks: 0 };
  const keys = [{ ...(await exportJWK(key1.publicKey)), kid: "k1", alg: "RS256", use: "sig" }];
  const server = createServer((req, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      fetches.config++;
      res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/keys` }));
    } else if (req.url === "/keys") {
      fetches.jwks++;
      res.end(JSON.stringify({ keys: issuer.keys }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keys, fetches, server };
});
afterAll(() => new Promise<void>((resolve) => issuer.server.close(() => resolve())));

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const now = Math.floor(DEFAULT_NOW / 1000);

async function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; kid?: string; iss?: string; aud?: string; exp?: number | null; nbf?: number } = {}): Promise<string> {
  const jwt = new SignJWT({ sub: "user-42", scope: "fleet.read fleet.write", ...claims })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? "k1" })
    .setIssuer(options.iss ?? issuer.url)
    .setAudience(options.aud ?? "api://fleet")
    .setIssuedAt(now - 60);
  if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 3_600);
  if (options.nbf !== undefined) jwt.setNotBefore(options.nbf);
  return jwt.sign(options.key ?? key1.privateKey);
}

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

function policy(extra: Record<string, unknown> = {}) {
  return {
    api: {
      inbound: [
        { "validate-jwt": { openidConfig: `${issuer.url}/.well-known/openid-configuration`, audiences: ["api://fleet"], requiredClaims: [{ name: "scope", values: ["fleet.write"] }], outputVariable: "claims", ...extra } },
        { "set-header": { name: "X-Sub", value: { expr: 'string(jwt.claims.sub) + " " + string(vars.claims.sub)' } } },
      ],
    },
  };
}

const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe("validate-jwt", () => {
  it("accepts a valid token and makes its claims readable", async () => {
    gw = await startPolicyGateway(policy());
    const res = await gw.call("/shop/items", bearer(await token()));
    expect(res.status).toBe(200);
    expect(res.json().headers["x-sub"]).toBe("user-42 user-42");
  });

  it("refuses with 401 INVALID_TOKEN, without calling the backend: expired, not yet valid, wrong issuer, wrong audience, missing claim, bad signature, alg none, HS256 with the RS256 public key", async () => {
    gw = await startPolicyGateway(policy());
    const [header, payload] = (await token()).split(".");
    const hsHeader = b64({ alg: "HS256", kid: "k1", typ: "JWT" });
    const hsSignature = createHmac("sha256", publicPem).update(`${hsHeader}.${payload}`).digest("base64url");
    const cases: Array<[string, string, string]> = [
      ["expired", await token({}, { exp: now - 1 }), "The token is expired"],
      ["not yet valid", await token({}, { nbf: now + 60 }), "The token is not valid yet"],
      ["wrong issuer", await token({}, { iss: "https://evil.example" }), "The token's issuer is not accepted"],
      ["wrong audience", await token({}, { aud: "api://other" }), "The token's audience is not accepted"],
      ["missing claim", await token({ scope: undefined }), "The token has no scope claim"],
      ["claim without the value", await token({ scope: "fleet.read" }), "The token's scope claim has no accepted value"],
      ["no expiry", await token({}, { exp: null }), "The token's exp claim is missing or invalid"],
      ["bad signature", await token({}, { key: stranger.privateKey }), "The token's signature is invalid"],
      ["tampered", `${header}.${b64({ sub: "admin", iss: issuer.url, aud: "api://fleet", exp: now + 60, scope: "fleet.write" })}.${(await token()).split(".")[2]}`, "The token's signature is invalid"],
      ["alg none", `${b64({ alg: "none" })}.${payload}.`, "The token's signing algorithm is not accepted"],
      ["HS256 with the public key", `${hsHeader}.${payload}.${hsSignature}`, "The token's signing algorithm is not accepted"],
      ["garbage", "not.a.token", "The token is malformed"],
    ];
    const seen = [];
    for (const [name, t, description] of cases) {
      const res = await gw.call("/shop/items", bearer(t));
      seen.push([name, res.status, res.headers["www-authenticate"], res.json().code, res.json().message]);
      expect(seen.at(-1)).toEqual([name, 401, `Bearer error="invalid_token", error_description="${description}"`, "INVALID_TOKEN", "Unauthorized. Access token is missing or invalid."]);
    }
    expect(gw.backend.hits).toBe(0);
  });

  it("refuses a call without a token with a bare Bearer challenge", async () => {
    gw = await startPolicyGateway(policy());
    for (const headers of [{}, { authorization: "Basic dXNlcjpwdw==" }, { authorization: "Bearer " }] as Array<Record<string, string>>) {
      const res = await gw.call("/shop/items", { headers });
      expect([res.status, res.headers["www-authenticate"]]).toEqual([401, "Bearer"]);
    }
  });

  it("fetches the OpenID configuration and keys once and caches them, and fetches again for an unknown kid after the cooldown", async () => {
    issuer.fetches.config = issuer.fetches.jwks = 0;
    gw = await startPolicyGateway(policy());
    for (let i = 0; i < 3; i++) expect((await gw.call("/shop/items", bearer(await token()))).status).toBe(200);
    expect(issuer.fetches).toEqual({ config: 1, jwks: 1 });

    // The issuer rotates in a new key: a token signed with it names kid k2.
    issuer.keys.push({ ...(await exportJWK(key2.publicKey)), kid: "k2", alg: "RS256", use: "sig" });
    const rotated = await token({}, { key: key2.privateKey, kid: "k2" });
    gw.clock.now = DEFAULT_NOW + 5_000;
    const early = await gw.call("/shop/items", bearer(rotated));
    expect([early.status, early.headers["www-authenticate"]]).toEqual([401, 'Bearer error="invalid_token", error_description="The token\'s signing key is not known"']);
    expect(issuer.fetches.jwks).toBe(1);
    gw.clock.now = DEFAULT_NOW + 31_000;
    expect((await gw.call("/shop/items", bearer(rotated))).status).toBe(200);
    expect(issuer.fetches.jwks).toBe(2);
    expect((await gw.call("/shop/items", bearer(await token()))).status).toBe(200);
    expect(issuer.fetches.jwks).toBe(2);
    issuer.keys.pop();
  });

  it("answers 503 JWKS_UNAVAILABLE when the issuer cannot be reached", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ "validate-jwt": { jwksUri: "http://127.0.0.1:9/keys" } }] } });
    const res = await gw.call("/shop/items", bearer(await token()));
    expect(res.json()).toEqual({ statusCode: 503, code: "JWKS_UNAVAILABLE", message: "The gateway cannot fetch the keys to check tokens. Try again shortly.", requestId: res.headers["x-request-id"] });
  });

  it("accepts HS256 with a shared secret written as a key, and a token in the query (removed before forwarding)", async () => {
    const secret = Buffer.from("a shared secret of at least 32 bytes!!");
    gw = await startPolicyGateway({ api: { inbound: [{ "validate-jwt": { keys: [{ kty: "oct", k: secret.toString("base64url") }], algorithms: ["HS256"], query: "access_token", issuers: ["me"] } }] } });
    const t = await new SignJWT({ sub: "svc" }).setProtectedHeader({ alg: "HS256" }).setIssuer("me").setExpirationTime(now + 60).sign(secret);
    const res = await gw.call(`/shop/items?access_token=${t}&x=1`);
    expect([res.status, res.json().url]).toEqual([200, "/items?x=1"]);
    expect((await gw.call("/shop/items", bearer(await token()))).status).toBe(401);
  });

  it("asks for a key source, and a secret for HS algorithms", () => {
    const issues = (o: unknown) => policyOptionSchemas["validate-jwt"]!.safeParse(o).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues({})).toEqual([["", "missing required key 'openidConfig' (or 'jwksUri' or 'keys'): the policy needs keys to check signatures"]]);
    expect(issues({ jwksUri: "https://login.example.com/keys", algorithms: ["HS256"] })).toEqual([
      ["algorithms", "lists HS256, which needs a shared secret: add it to keys as { kty: oct, k: <base64url secret> }"],
    ]);
    expect(issues({ jwksUri: "https://login.example.com/keys", algorithms: ["none"] })?.[0]?.[0]).toBe("algorithms.0");
  });
});
