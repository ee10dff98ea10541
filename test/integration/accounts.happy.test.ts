/**
 * Accounts over real HTTP, the paths that succeed: sign-up and
 * verification, sign-in and its cookie, the profile, e-mail and password
 * changes, sessions, reset, invitations, deletion, and the public settings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUserByEmail, listAudit } from "../../gateway/src/store/index.ts";
import { Client, gatewayStatus, linkToken, mailsTo, PASSWORD, signedIn, signUpAndSignIn, subscribeViaApi, uniqueEmail, waitForMail } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

describe("sign-up, verification and sign-in", () => {
  it("answers 202, stores the custom field, and e-mails a branded link to the portal's /verify page", async () => {
    const email = uniqueEmail("ada");
    const client = new Client(svc.controlUrl);
    const res = await client.post("/api/v1/auth/sign-up", { email: email.toUpperCase(), password: PASSWORD, name: "  Ada Lovelace ", company: "Analytical Engines" });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ message: "Check your inbox: we sent a link to confirm your address." });
    expect(res.headers["cache-control"]).toBe("no-store");

    const mail = await waitForMail(svc.dataDir, email, "verify");
    expect(mail.subject).toBe("Confirm your e-mail address for DroneFly Developers");
    expect(mail.raw).toMatch(/^From: DroneFly Developers <developers@dronefly\.example>$/m);
    expect(mail.text).toContain("Hello Ada Lovelace,");
    expect(mail.text).toMatch(new RegExp(`^${svc.context.urls.portal}/verify\\?token=[a-z0-9]{52}$`, "m"));
    expect(mail.html).toContain('style="background:#0b5fc4'); // the theme's accent
    expect(mail.html).toContain(`href="${svc.context.urls.portal}/verify?token=`);

    const user = await findUserByEmail(svc.context.store, email);
    expect(user).toMatchObject({ email, name: "Ada Lovelace", state: "active", emailVerifiedAt: null, customFields: { company: "Analytical Engines" } });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    expect((await client.post("/api/v1/auth/verify", { token: linkToken(mail, "verify") })).status).toBe(204);
    expect((await findUserByEmail(svc.context.store, email))!.emailVerifiedAt).toBeInstanceOf(Date);
  });

  it("signs in with a 30-day HttpOnly, SameSite=Lax session cookie, not Secure over http", async () => {
    const { client, email } = await signUpAndSignIn(svc);
    const again = new Client(svc.controlUrl);
    const res = await again.post("/api/v1/auth/sign-in", { email, password: PASSWORD });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.setCookies).toHaveLength(1);
    const cookie = res.setCookies[0]!;
    expect(cookie).toMatch(/^portico_session=[a-z0-9]{52}; Max-Age=2592000; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await client.get("/api/v1/me");
    expect(me.status).toBe(200);
  });

  it("GET /me describes the user and every group they are in", async () => {
    const { client, email, userId } = await signUpAndSignIn(svc, { name: "Grace" });
    const me = await client.get("/api/v1/me");
    expect(me.body).toEqual({
      id: userId,
      email,
      name: "Grace",
      emailVerified: true,
      customFields: { company: "Analytical Engines" },
      groups: ["developers", "guests"],
      administrator: false,
      hasPassword: true,
      oidcLinked: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastSignInAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("sends the verification link again to an unverified account", async () => {
    const email = uniqueEmail("late");
    const client = new Client(svc.controlUrl);
    await client.post("/api/v1/auth/sign-up", { email, password: PASSWORD, name: "Late" });
    await waitForMail(svc.dataDir, email, "verify");
    const res = await client.post("/api/v1/auth/verify/resend", { email });
    expect(res.status).toBe(202);
    const second = await waitForMail(svc.dataDir, email, "verify", { after: 1 });
    expect((await client.post("/api/v1/auth/verify", { token: linkToken(second, "verify") })).status).toBe(204);
  });

  it("signs out: 204, the cookie cleared", async () => {
    const { client } = await signUpAndSignIn(svc);
    const res = await client.post("/api/v1/auth/sign-out");
    expect(res.status).toBe(204);
    expect(res.setCookies[0]).toMatch(/^portico_session=; Max-Age=0; Path=\/;/);
    expect((await client.get("/api/v1/me")).status).toBe(401);
  });
});

describe("the profile", () => {
  it("changes the name and custom fields", async () => {
    const { client } = await signedIn(svc);
    const res = await client.patch("/api/v1/me", { name: "Ada King", customFields: { company: "Babbage & Co" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Ada King", customFields: { company: "Babbage & Co" } });
    const cleared = await client.patch("/api/v1/me", { customFields: { company: "" } });
    expect(cleared.body.customFields).toEqual({});
  });

  it("changes the e-mail address once the new one is confirmed, and tells the old one", async () => {
    const { client, email } = await signedIn(svc);
    const next = uniqueEmail("moved");
    const res = await client.post("/api/v1/me/email", { email: next, password: PASSWORD });
    expect(res.status).toBe(202);
    expect((await client.get("/api/v1/me")).body.email).toBe(email);
    const mail = await waitForMail(svc.dataDir, next, "email-change");
    expect(mail.subject).toBe("Confirm your new e-mail address for DroneFly Developers");
    expect((await client.post("/api/v1/auth/verify", { token: linkToken(mail, "verify") })).status).toBe(204);
    expect((await client.get("/api/v1/me")).body.email).toBe(next);
    const notice = await waitForMail(svc.dataDir, email, "email-changed");
    expect(notice.text).toContain(`Your DroneFly Developers account now uses ${next}.`);
    expect((await new Client(svc.controlUrl).post("/api/v1/auth/sign-in", { email: next, password: PASSWORD })).status).toBe(204);
  });

  it("changes the password: this browser stays signed in with a new token, and a notice goes out", async () => {
    const { client, email } = await signedIn(svc);
    const before = client.session();
    const res = await client.post("/api/v1/me/password", { currentPassword: PASSWORD, newPassword: "a brand new passphrase" });
    expect(res.status).toBe(204);
    expect(client.session()).toBeDefined();
    expect(client.session()).not.toBe(before);
    expect((await client.get("/api/v1/me")).status).toBe(200);
    await waitForMail(svc.dataDir, email, "password-changed");
    const fresh = new Client(svc.controlUrl);
    expect((await fresh.post("/api/v1/auth/sign-in", { email, password: PASSWORD })).status).toBe(401);
    expect((await fresh.post("/api/v1/auth/sign-in", { email, password: "a brand new passphrase" })).status).toBe(204);
  });

  it("lists the user's sessions and ends another one", async () => {
    const first = await signedIn(svc);
    const second = new Client(svc.controlUrl, { "user-agent": "second-device/1.0" });
    await second.post("/api/v1/auth/sign-in", { email: first.email, password: PASSWORD });
    const list = await first.client.get("/api/v1/me/sessions");
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    const other = list.body.sessions.find((s: { current: boolean }) => !s.current);
    expect(other).toMatchObject({ userAgent: "second-device/1.0", ip: "127.0.0.1", id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await first.client.delete(`/api/v1/me/sessions/${other.id}`)).status).toBe(204);
    expect((await second.get("/api/v1/me")).status).toBe(401);
    expect((await first.client.get("/api/v1/me")).status).toBe(200);
  });

  it("deletes the account: signed out, subscriptions cancelled, keys dead, the address free again", async () => {
    const { client, email, userId } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
    const res = await client.delete("/api/v1/me", { password: PASSWORD });
    expect(res.status).toBe(204);
    expect((await client.get("/api/v1/me")).status).toBe(401);
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    expect(await findUserByEmail(svc.context.store, email)).toBeNull();
    const audit = await listAudit(svc.context.store, { targetId: sub.subscription.id });
    expect(audit.entries[0]).toMatchObject({ action: "subscription.cancel", actorKind: "user", actorId: userId, data: { reason: "Account deleted" } });
    const again = new Client(svc.controlUrl);
    expect((await again.post("/api/v1/auth/sign-up", { email, password: PASSWORD, name: "Back again" })).status).toBe(202);
  });
});

describe("password reset", () => {
  it("e-mails a /reset link; the new password works, the old one not, and every session ends", async () => {
    const { client, email } = await signedIn(svc);
    const anon = new Client(svc.controlUrl);
    expect((await anon.post("/api/v1/auth/password-reset", { email })).status).toBe(202);
    const mail = await waitForMail(svc.dataDir, email, "reset");
    expect(mail.subject).toBe("Reset your DroneFly Developers password");
    const res = await anon.post("/api/v1/auth/password-reset/confirm", { token: linkToken(mail, "reset"), password: "reset to something new" });
    expect(res.status).toBe(204);
    expect((await client.get("/api/v1/me")).status).toBe(401);
    expect((await anon.post("/api/v1/auth/sign-in", { email, password: PASSWORD })).status).toBe(401);
    expect((await anon.post("/api/v1/auth/sign-in", { email, password: "reset to something new" })).status).toBe(204);
  });

  it("makes only the newest link work", async () => {
    const { email } = await signedIn(svc);
    const anon = new Client(svc.controlUrl);
    await anon.post("/api/v1/auth/password-reset", { email });
    const first = await waitForMail(svc.dataDir, email, "reset");
    await anon.post("/api/v1/auth/password-reset", { email });
    const second = await waitForMail(svc.dataDir, email, "reset", { after: 1 });
    expect((await anon.post("/api/v1/auth/password-reset/confirm", { token: linkToken(first, "reset"), password: "first link password" })).status).toBe(401);
    expect((await anon.post("/api/v1/auth/password-reset/confirm", { token: linkToken(second, "reset"), password: "second link password" })).status).toBe(204);
  });
});

describe("invitations", () => {
  it("an invited user chooses a password through the link, and then signs in", async () => {
    const admin = await signedIn(svc, { groups: ["administrators"], name: "Ops" });
    const email = uniqueEmail("invitee");
    const invited = await admin.client.post("/api/v1/admin/users/invite", { email, name: "Invited Person", groups: ["partners"] });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email, state: "invited", groups: ["partners"], emailVerified: false });
    const mail = await waitForMail(svc.dataDir, email, "invite");
    expect(mail.subject).toBe("You are invited to DroneFly Developers");
    expect(mail.text).toContain("Ops invited you to DroneFly Developers.");
    expect(mail.text).toContain("valid for two days");
    const anon = new Client(svc.controlUrl);
    expect((await anon.post("/api/v1/auth/sign-in", { email, password: "chosen by the invitee" })).status).toBe(401);
    const accepted = await anon.post("/api/v1/auth/invite/accept", { token: linkToken(mail, "invite"), password: "chosen by the invitee" });
    expect(accepted.status).toBe(204);
    expect((await anon.post("/api/v1/auth/sign-in", { email, password: "chosen by the invitee" })).status).toBe(204);
    const me = await anon.get("/api/v1/me");
    expect(me.body).toMatchObject({ name: "Invited Person", emailVerified: true, groups: ["developers", "guests", "partners"] });
  });
});

describe("public settings and the catalog", () => {
  it("GET /portal gives the sign-up form, the password rule and no OIDC button for the demo", async () => {
    const res = await new Client(svc.controlUrl).get("/api/v1/portal");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      title: "DroneFly Developers",
      tagline: "Drone delivery as an API",
      locale: "en",
      keyPrefix: "dfly",
      gatewayUrl: svc.context.urls.gateway,
      signUp: { enabled: true, fields: [{ name: "company", label: "Company", type: "text", required: false, maxLength: 200 }] },
      oidc: null,
      password: { minLength: 10, maxLength: 256 },
    });
  });

  it("lists products and APIs by who is asking", async () => {
    const guest = new Client(svc.controlUrl);
    const products = await guest.get("/api/v1/products");
    expect(products.body.products.map((p: { id: string }) => p.id)).toEqual(["starter", "basic"]);
    expect(products.body.products[1]).toEqual({
      id: "basic",
      title: "Basic",
      summary: "Weather forecasts and alerts for building and testing your integration.",
      state: "published",
      subscriptionRequired: true,
      approvalRequired: false,
      subscriptionsLimit: 1,
      hasTerms: true,
      apis: ["status", "weather"],
      order: 2,
    });
    const { client } = await signedIn(svc);
    expect((await client.get("/api/v1/products")).body.products.map((p: { id: string }) => p.id)).toEqual(["starter", "basic", "premium"]);
    const premium = await client.get("/api/v1/products/premium");
    expect(premium.body).toMatchObject({ id: "premium", approvalRequired: true, terms: expect.stringContaining("DroneFly Premium") });
    const apis = await guest.get("/api/v1/apis");
    expect(apis.body.apis.map((a: { id: string }) => a.id)).toEqual(["status", "weather"]);
    const weather = await guest.get("/api/v1/apis/weather");
    expect(weather.body).toMatchObject({ id: "weather", path: "/weather", products: ["basic"], keyHeader: "Ocp-Apim-Subscription-Key", gatewayUrl: svc.context.urls.gateway });
    expect(weather.body.versions.map((v: { id: string }) => v.id)).toEqual(["v1", "v2"]);
    expect(weather.body.versions[0].operations.length).toBeGreaterThan(0);
  });

  it("serves its own OpenAPI document, generated from the route schemas", async () => {
    const res = await new Client(svc.controlUrl).get("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    expect(res.body.servers).toEqual([{ url: "/api/v1" }]);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/auth/sign-up", "/subscriptions/{id}/keys/{slot}/regenerate", "/usage", "/admin/subscriptions/{id}/reject"]));
    expect(res.body.paths["/auth/sign-in"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/SignIn" });
    expect(res.body.components.schemas.Error.properties.code.enum).toContain("SUBSCRIPTIONS_LIMIT_REACHED");
    expect(res.body.components.securitySchemes.session).toMatchObject({ type: "apiKey", in: "cookie", name: "portico_session" });
  });

  it("e-mails the owner of a known address instead of answering differently", async () => {
    const { email } = await signedIn(svc);
    const res = await new Client(svc.controlUrl).post("/api/v1/auth/sign-up", { email, password: "someone else's password", name: "Impostor" });
    expect(res.status).toBe(202);
    const notice = await waitForMail(svc.dataDir, email, "sign-up-notice");
    expect(notice.subject).toBe("Someone tried to sign up to DroneFly Developers with your address");
    expect((await mailsTo(svc.dataDir, email)).filter((m) => m.template === "verify")).toHaveLength(0);
  });
});
