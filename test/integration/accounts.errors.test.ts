/**
 * Accounts over real HTTP, the refusals: each with its exact status and
 * body (apart from the request id, which is checked for shape).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateUser } from "../../gateway/src/store/index.ts";
import { Client, createAccount, linkToken, PASSWORD, signedIn, uniqueEmail, waitForMail, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
let anon: Client;
beforeAll(async () => {
  svc = await startPortico();
  anon = new Client(svc.controlUrl);
});
afterAll(async () => {
  await svc?.stop();
});

const invalid = (details: Array<{ path: string; message: string }>) => ({
  statusCode: 400,
  code: "VALIDATION_FAILED",
  message: "The request is invalid; see details.",
  details,
});

describe("sign-up", () => {
  it("names every invalid field", async () => {
    const res = await anon.post("/api/v1/auth/sign-up", { email: "not-an-address", password: "short", name: "" });
    expect(res.status).toBe(400);
    expect(res.body.requestId).toMatch(/.+/);
    expect(res.headers["x-request-id"]).toBe(res.body.requestId);
    expect(withoutRequestId(res.body)).toEqual(
      invalid([
        { path: "email", message: "This is not an e-mail address." },
        { path: "password", message: "A password has at least 10 characters." },
        { path: "name", message: "A name is required." },
      ]),
    );
  });

  it("refuses a password longer than 256 characters and a missing field", async () => {
    const res = await anon.post("/api/v1/auth/sign-up", { password: "x".repeat(257), name: "Ada" });
    expect(withoutRequestId(res.body)).toEqual(
      invalid([
        { path: "email", message: "An e-mail address is required." },
        { path: "password", message: "A password has at most 256 characters." },
      ]),
    );
  });

  it("checks custom fields against portal.yaml: unknown ones and overlong values", async () => {
    const res = await anon.post("/api/v1/auth/sign-up", { email: uniqueEmail(), password: PASSWORD, name: "Ada", company: "x".repeat(201), shoeSize: 42 });
    expect(res.status).toBe(400);
    expect(withoutRequestId(res.body)).toEqual(
      invalid([
        { path: "shoeSize", message: 'Unknown field "shoeSize".' },
        { path: "company", message: "Company has at most 200 characters." },
      ]),
    );
  });

  it("is refused with 403 when the portal closed sign-up", async () => {
    const ctx = svc.context;
    const original = ctx.catalog();
    ctx.setCatalog({ ...original, portal: { ...original.portal, signUp: { ...original.portal.signUp, enabled: false } } });
    try {
      const res = await anon.post("/api/v1/auth/sign-up", { email: uniqueEmail(), password: PASSWORD, name: "Ada" });
      expect(res.status).toBe(403);
      expect(withoutRequestId(res.body)).toEqual({ statusCode: 403, code: "FORBIDDEN", message: "Sign-up is closed on this portal; ask an administrator for an invitation." });
    } finally {
      ctx.setCatalog(original);
    }
  });
});

describe("links", () => {
  const INVALID_LINK = { statusCode: 401, code: "INVALID_TOKEN", message: "This link is invalid or has expired." };

  it("refuses an unknown, a reused and a wrong-kind token alike", async () => {
    expect(withoutRequestId((await anon.post("/api/v1/auth/verify", { token: "nosuchtoken" })).body)).toEqual(INVALID_LINK);

    const email = uniqueEmail();
    await anon.post("/api/v1/auth/sign-up", { email, password: PASSWORD, name: "Ada" });
    const token = linkToken(await waitForMail(svc.dataDir, email, "verify"), "verify");
    // A verification link is not a reset link.
    const wrongKind = await anon.post("/api/v1/auth/password-reset/confirm", { token, password: "new password 123" });
    expect(wrongKind.status).toBe(401);
    expect(withoutRequestId(wrongKind.body)).toEqual(INVALID_LINK);
    expect((await anon.post("/api/v1/auth/verify", { token })).status).toBe(204);
    const reused = await anon.post("/api/v1/auth/verify", { token });
    expect(reused.status).toBe(401);
    expect(withoutRequestId(reused.body)).toEqual(INVALID_LINK);
  });

  it("refuses an invitation that is not one", async () => {
    const res = await anon.post("/api/v1/auth/invite/accept", { token: "nosuchtoken", password: PASSWORD });
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 401, code: "INVALID_TOKEN", message: "This invitation is invalid or has expired." });
  });

  it("checks the new password of a reset before using the link", async () => {
    const res = await anon.post("/api/v1/auth/password-reset/confirm", { token: "whatever", password: "short" });
    expect(withoutRequestId(res.body)).toEqual(invalid([{ path: "password", message: "A password has at least 10 characters." }]));
  });

  it("refuses an empty token with a field error", async () => {
    const res = await anon.post("/api/v1/auth/verify", {});
    expect(withoutRequestId(res.body)).toEqual(invalid([{ path: "token", message: "A token is required." }]));
  });
});

describe("sign-in", () => {
  it("401 for a wrong password", async () => {
    const { email } = await createAccount(svc.context);
    const res = await anon.post("/api/v1/auth/sign-in", { email, password: "wrong password" });
    expect(res.status).toBe(401);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 401, code: "INVALID_CREDENTIALS", message: "The e-mail address or the password is not correct." });
    expect(res.setCookies).toEqual([]);
  });

  it("403 EMAIL_NOT_VERIFIED, only with the right password", async () => {
    const email = uniqueEmail();
    await anon.post("/api/v1/auth/sign-up", { email, password: PASSWORD, name: "Ada" });
    const res = await anon.post("/api/v1/auth/sign-in", { email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(withoutRequestId(res.body)).toEqual({
      statusCode: 403,
      code: "EMAIL_NOT_VERIFIED",
      message: "Confirm your e-mail address first, with the link we sent you (POST /api/v1/auth/verify/resend sends another).",
    });
  });

  it("403 ACCOUNT_BLOCKED, only with the right password", async () => {
    const { email, userId } = await createAccount(svc.context);
    await updateUser(svc.context.store, userId, { state: "blocked" });
    const res = await anon.post("/api/v1/auth/sign-in", { email, password: PASSWORD });
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 403, code: "ACCOUNT_BLOCKED", message: "This account is blocked. Contact the portal's administrators." });
    expect((await anon.post("/api/v1/auth/sign-in", { email, password: "not the password" })).status).toBe(401);
  });
});

describe("the signed-in user's routes", () => {
  it("401 UNAUTHENTICATED with WWW-Authenticate for a guest", async () => {
    const res = await anon.get("/api/v1/me");
    expect(res.status).toBe(401);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 401, code: "UNAUTHENTICATED", message: "Sign in to do this." });
    expect(res.headers["www-authenticate"]).toBe('Cookie realm="portico", form-action="/api/v1/auth/sign-in"');
    for (const [method, path] of [
      ["PATCH", "/api/v1/me"],
      ["POST", "/api/v1/me/password"],
      ["DELETE", "/api/v1/me"],
      ["GET", "/api/v1/me/sessions"],
    ] as const) {
      const r = await anon.send(method, path, { json: { newPassword: "long enough password" } });
      expect(r.status, `${method} ${path}`).toBe(401);
    }
  });

  it("asks for the current password, and names it when wrong", async () => {
    const { client } = await signedIn(svc);
    expect(withoutRequestId((await client.post("/api/v1/me/password", { newPassword: "another good password" })).body)).toEqual(
      invalid([{ path: "currentPassword", message: "Your current password is required." }]),
    );
    expect(withoutRequestId((await client.post("/api/v1/me/password", { currentPassword: "wrong one", newPassword: "another good password" })).body)).toEqual(
      invalid([{ path: "currentPassword", message: "The current password is not correct." }]),
    );
    expect(withoutRequestId((await client.delete("/api/v1/me", { password: "wrong one" })).body)).toEqual(
      invalid([{ path: "password", message: "The current password is not correct." }]),
    );
  });

  it("refuses to move an account to its own address and unknown profile fields", async () => {
    const { client, email } = await signedIn(svc);
    expect(withoutRequestId((await client.post("/api/v1/me/email", { email, password: PASSWORD })).body)).toEqual(
      invalid([{ path: "email", message: "This is already your address." }]),
    );
    expect(withoutRequestId((await client.patch("/api/v1/me", { customFields: { shoeSize: 42 } })).body)).toEqual(
      invalid([{ path: "customFields.shoeSize", message: 'Unknown field "shoeSize".' }]),
    );
    expect(withoutRequestId((await client.patch("/api/v1/me", { email: "x@example.com" })).body)).toEqual(invalid([{ path: "email", message: 'Unknown field "email".' }]));
  });

  it("404 for a session that is not the user's", async () => {
    const { client } = await signedIn(svc);
    const res = await client.delete(`/api/v1/me/sessions/${"0".repeat(64)}`);
    expect(res.status).toBe(404);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Session not found." });
  });
});

describe("malformed requests", () => {
  it("400 BAD_REQUEST for a body that is not JSON", async () => {
    const res = await anon.send("POST", "/api/v1/auth/sign-in", { body: "{not json", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 400, code: "BAD_REQUEST", message: "The body is not valid JSON." });
  });

  it("413 PAYLOAD_TOO_LARGE above 64 KiB", async () => {
    const res = await anon.send("POST", "/api/v1/auth/sign-up", { body: JSON.stringify({ email: "a@b.c", password: "x".repeat(70_000), name: "A" }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(413);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 413, code: "PAYLOAD_TOO_LARGE", message: "The body is larger than 65536 bytes." });
  });

  it("404 NOT_FOUND for an unknown route under /api/v1", async () => {
    const res = await anon.get("/api/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "No route for GET /api/v1/nothing-here." });
  });

  it("404 for OpenID Connect when the portal has none", async () => {
    const res = await anon.get("/api/v1/auth/oidc/start");
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Sign-in with OpenID Connect is not configured on this portal." });
  });
});
