/**
 * Sign-in with OpenID Connect against a real provider (`oidc-provider`)
 * started by this test on loopback: the authorization code flow with PKCE,
 * state and nonce, accounts made or linked by verified e-mail, and the
 * refusals (unverified e-mail, a state that is not this browser's, a replayed
 * callback, an open redirect).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUserByEmail } from "../../gateway/src/store/index.ts";
import { Client, createAccount, uniqueEmail, type HttpAnswer } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

interface ProviderAccount {
  email: string;
  emailVerified: boolean;
  name: string;
}

interface Interaction {
  uid: string;
  prompt: { name: string };
  params: Record<string, string>;
  session?: { accountId: string };
}

interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: object, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
}

const CLIENT = { id: "portico-portal", secret: "a client secret for the test provider" };

let svc: TestService;
let server: Server;
let issuer: string;
/** Which account the provider signs in next (what a user would type on its login page). */
let nextLogin: ProviderAccount;
const accounts = new Map<string, ProviderAccount>();

beforeAll(async () => {
  svc = await startPortico();
  // Imported by name at run time: the package ships no type declarations.
  const { default: Provider } = (await import("oidc-provider" as string)) as { default: new (issuer: string, config: object) => OidcProvider };
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [`${svc.context.urls.portal}/api/v1/auth/oidc/callback`], grant_types: ["authorization_code"], response_types: ["code"] }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(_ctx: unknown, id: string) {
      const account = accounts.get(id);
      if (account === undefined) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: account.email, email_verified: account.emailVerified, name: account.name }) };
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ["a cookie key for the test provider"] },
    pkce: { required: () => true },
  });
  const handle = provider.callback();
  server.on("request", (req, res) => {
    if (!req.url?.startsWith("/interaction/")) return handle(req, res);
    void (async () => {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === "login") {
        const accountId = `sub-${nextLogin.email}`;
        accounts.set(accountId, nextLogin);
        await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      } else {
        const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: CLIENT.id });
        grant.addOIDCScope(details.params.scope!);
        await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      }
    })().catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  const catalog = svc.context.catalog();
  svc.context.setCatalog({ ...catalog, portal: { ...catalog.portal, oidc: { issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, label: "Sign in with Test ID", scopes: ["openid", "email", "profile"] } } });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await svc?.stop();
});

/**
 * A browser: one cookie jar per site, redirects followed by hand until the
 * browser lands back on the portal (outside /api/v1).
 */
async function signInWithProvider(account: ProviderAccount, returnTo = "/account") {
  nextLogin = account;
  const portico = new Client(svc.controlUrl);
  const idp = new Client(issuer);
  const hops: string[] = [];
  let res: HttpAnswer = await portico.get(`/api/v1/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
  let callback: string | undefined;
  for (let i = 0; i < 12 && res.status >= 300 && res.status < 400; i++) {
    const location = new URL(String(res.headers.location), issuer);
    hops.push(location.toString());
    if (location.origin === issuer) {
      res = await idp.get(location.toString());
    } else {
      if (!location.pathname.startsWith("/api/v1/")) return { portico, landing: location, hops, callback };
      callback = location.toString();
      // The portal's public name is localhost; the listener is on 127.0.0.1.
      res = await portico.get(location.pathname + location.search);
    }
  }
  throw new Error(`no landing after ${hops.join(" → ")}: ${res.status} ${res.text}`);
}

describe("sign-in with OpenID Connect", () => {
  it("advertises the provider in GET /portal", async () => {
    const res = await new Client(svc.controlUrl).get("/api/v1/portal");
    expect(res.body.oidc).toEqual({ label: "Sign in with Test ID", startUrl: "/api/v1/auth/oidc/start" });
  });

  it("sends the browser to the provider with PKCE (S256), a state kept in an HttpOnly cookie, and a nonce", async () => {
    const res = await new Client(svc.controlUrl).get("/api/v1/auth/oidc/start");
    expect(res.status).toBe(302);
    const url = new URL(String(res.headers.location));
    expect(`${url.origin}${url.pathname}`).toBe(`${issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: CLIENT.id,
      redirect_uri: `${svc.context.urls.portal}/api/v1/auth/oidc/callback`,
      scope: "openid email profile",
      code_challenge_method: "S256",
      state: expect.stringMatching(/^[a-z2-7]{52}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.setCookies[0]).toMatch(new RegExp(`^portico_oidc=${url.searchParams.get("state")}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax$`));
  });

  it("makes an account for a new, verified identity and signs it in", async () => {
    const email = uniqueEmail("oidc-new");
    const { portico, landing } = await signInWithProvider({ email, emailVerified: true, name: "Olive Idp" }, "/account/keys");
    expect(landing.toString()).toBe(`${svc.context.urls.portal}/account/keys#signed-in`);
    const me = await portico.get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email, name: "Olive Idp", emailVerified: true, oidcLinked: true, hasPassword: false });
    expect(portico.cookies.has("portico_oidc")).toBe(false);
    const user = await findUserByEmail(svc.context.store, email);
    expect(user).toMatchObject({ oidcIssuer: issuer, oidcSubject: `sub-${email}`, passwordHash: null });
  });

  it("links an existing account with the same verified address, and signs in the same account next time", async () => {
    const existing = await createAccount(svc.context);
    const first = await signInWithProvider({ email: existing.email, emailVerified: true, name: "Linked" });
    expect((await first.portico.get("/api/v1/me")).body).toMatchObject({ id: existing.userId, oidcLinked: true, hasPassword: true });
    const second = await signInWithProvider({ email: existing.email, emailVerified: true, name: "Linked" });
    expect((await second.portico.get("/api/v1/me")).body.id).toBe(existing.userId);
  });

  it("refuses an identity whose address the provider has not verified", async () => {
    const existing = await createAccount(svc.context);
    const { portico, landing } = await signInWithProvider({ email: existing.email, emailVerified: false, name: "Impostor" });
    expect(landing.toString()).toBe(`${svc.context.urls.portal}/sign-in?error=email_unverified`);
    expect((await portico.get("/api/v1/me")).status).toBe(401);
    expect((await findUserByEmail(svc.context.store, existing.email))!.oidcSubject).toBeNull();
  });

  it("refuses a callback in a browser that did not start the flow, and a replayed callback", async () => {
    const { callback } = await signInWithProvider({ email: uniqueEmail("oidc-replay"), emailVerified: true, name: "R" });
    const path = new URL(callback!).pathname + new URL(callback!).search;
    // Another browser (no state cookie): login CSRF refused.
    const other = await new Client(svc.controlUrl).get(path);
    expect(other.status).toBe(302);
    expect(other.headers.location).toBe(`${svc.context.urls.portal}/sign-in?error=oidc_state`);
    expect(other.setCookies.some((c) => c.startsWith("portico_session=") && !c.startsWith("portico_session=;"))).toBe(false);
    // The same browser again, with the state cookie forged back: the state is used up.
    const state = new URL(callback!).searchParams.get("state")!;
    const replay = new Client(svc.controlUrl);
    replay.cookies.set("portico_oidc", state);
    const res = await replay.get(path);
    expect(res.headers.location).toBe(`${svc.context.urls.portal}/sign-in?error=oidc_state`);
  });

  it("lands on /account instead of following a return path to another site", async () => {
    const { landing } = await signInWithProvider({ email: uniqueEmail("oidc-redirect"), emailVerified: true, name: "R" }, "//evil.example/steal");
    expect(landing.toString()).toBe(`${svc.context.urls.portal}/account#signed-in`);
  });

  it("reports a provider's refusal on the sign-in page", async () => {
    const browser = new Client(svc.controlUrl);
    const start = await browser.get("/api/v1/auth/oidc/start");
    const state = new URL(String(start.headers.location)).searchParams.get("state")!;
    const res = await browser.get(`/api/v1/auth/oidc/callback?error=access_denied&state=${state}`);
    expect(res.headers.location).toBe(`${svc.context.urls.portal}/sign-in?error=oidc_cancelled`);
  });
});
