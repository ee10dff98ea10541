/**
 * Accounts over real HTTP, the attacks: cross-site requests, form posts,
 * password guessing, account enumeration, dead sessions, and secrets at rest.
 *
 * The service trusts 127.0.0.1 as a proxy here, so each test can speak from
 * its own client address (X-Forwarded-For) and the per-address throttles of
 * one test do not spill into the next.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieSettings } from "../../gateway/src/accounts/session-cookie.ts";
import { createLogger } from "../../gateway/src/log.ts";
import { listSubscriptions } from "../../gateway/src/store/index.ts";
import { Client, createAccount, mailsTo, PASSWORD, readOutbox, signedIn, subscribeViaApi, uniqueEmail, waitForMail, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
let logs = "";
const secrets = new Set<string>();
let ipCounter = 0;
/** A client address of its own, through the trusted proxy. */
const fromNewAddress = () => ({ "x-forwarded-for": `203.0.113.${++ipCounter}` });

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on("data", (d: Buffer) => (logs += d.toString()));
  svc = await startPortico({ env: { PORTICO_TRUSTED_PROXIES: "127.0.0.1" }, logger: createLogger({ stream, level: "debug" }) });
});
afterAll(async () => {
  await svc?.stop();
});

async function browser(options: { groups?: string[] } = {}) {
  const b = await signedIn(svc, { ...options, headers: fromNewAddress() });
  secrets.add(b.password);
  secrets.add(b.client.session()!);
  return b;
}

const ORIGIN_REFUSED = { statusCode: 403, code: "ORIGIN_REFUSED", message: "Cross-site request refused: the Origin is not the portal's." };
const JSON_ONLY = { statusCode: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "State changes accept only JSON: send Content-Type: application/json." };

describe("cross-site requests", () => {
  it("refuses a state change whose Origin is another site, with the session cookie or without", async () => {
    const { client, email } = await browser();
    const evil = { origin: "https://evil.example" };
    const signIn = await new Client(svc.controlUrl).post("/api/v1/auth/sign-in", { email, password: PASSWORD }, evil);
    expect(signIn.status).toBe(403);
    expect(withoutRequestId(signIn.body)).toEqual(ORIGIN_REFUSED);
    expect(signIn.setCookies).toEqual([]);

    const created = await client.post("/api/v1/subscriptions", { product: "basic", acceptTerms: true }, evil);
    expect(created.status).toBe(403);
    const me = await client.get("/api/v1/me");
    expect((await listSubscriptions(svc.context.store, { userId: me.body.id })).total).toBe(0);

    const sub = await subscribeViaApi(client, "basic");
    const cancel = await client.delete(`/api/v1/subscriptions/${sub.subscription.id}`, undefined, evil);
    expect(cancel.status).toBe(403);
    expect((await client.get(`/api/v1/subscriptions/${sub.subscription.id}`)).body.state).toBe("active");
    expect((await client.post("/api/v1/auth/sign-out", {}, evil)).status).toBe(403);
    expect((await client.get("/api/v1/me")).status).toBe(200);
  });

  it("uses Referer when there is no Origin, and refuses Origin: null and another port", async () => {
    const { client } = await browser();
    const port = new URL(svc.controlUrl).port;
    const attempts: Array<Record<string, string>> = [{ referer: "https://evil.example/page" }, { origin: "null" }, { origin: `http://127.0.0.1:${Number(port) + 1}` }];
    for (const headers of attempts) {
      const res = await client.post("/api/v1/auth/sign-out", {}, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(withoutRequestId(res.body)).toEqual(ORIGIN_REFUSED);
    }
    expect((await client.get("/api/v1/me")).status).toBe(200);
  });

  it("accepts the portal's origin and the service's own", async () => {
    const { client } = await browser();
    expect((await client.patch("/api/v1/me", { name: "A" }, { origin: new URL(svc.context.urls.portal).origin })).status).toBe(200);
    expect((await client.patch("/api/v1/me", { name: "B" }, { origin: svc.controlUrl })).status).toBe(200);
    expect((await client.patch("/api/v1/me", { name: "C" }, { referer: `${svc.controlUrl}/account` })).status).toBe(200);
  });

  it("gives a portal hosted on another origin CORS with credentials, and nobody else", async () => {
    const ctx = svc.context;
    const original = ctx.catalog();
    ctx.setCatalog({ ...original, portal: { ...original.portal, url: "https://developers.example.com" } });
    try {
      const anon = new Client(svc.controlUrl);
      const preflight = await anon.send("OPTIONS", "/api/v1/subscriptions", {
        headers: { origin: "https://developers.example.com", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers["access-control-allow-origin"]).toBe("https://developers.example.com");
      expect(preflight.headers["access-control-allow-credentials"]).toBe("true");
      expect(preflight.headers["access-control-allow-headers"]).toBe("Content-Type, X-Request-Id");

      const { client } = await browser();
      const res = await client.patch("/api/v1/me", { name: "From the CDN" }, { origin: "https://developers.example.com" });
      expect(res.status).toBe(200);
      expect(res.headers["access-control-allow-origin"]).toBe("https://developers.example.com");
      expect(res.headers["vary"]).toContain("Origin");

      const refused = await anon.send("OPTIONS", "/api/v1/subscriptions", { headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      expect(refused.status).toBe(403);
      expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
      const read = await client.get("/api/v1/me", { origin: "https://evil.example" });
      expect(read.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      ctx.setCatalog(original);
    }
  });
});

describe("form-encoded and other non-JSON state changes", () => {
  it("refuses them with 415 before doing anything", async () => {
    const { client, email } = await browser();
    const bodies: Array<[string | undefined, string]> = [
      ["application/x-www-form-urlencoded", `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`],
      ["multipart/form-data; boundary=x", `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n--x--`],
      ["text/plain", JSON.stringify({ email, password: PASSWORD })],
      [undefined, JSON.stringify({ email, password: PASSWORD })],
    ];
    for (const [type, body] of bodies) {
      const res = await new Client(svc.controlUrl).send("POST", "/api/v1/auth/sign-in", { body, headers: type ? { "content-type": type } : {} });
      expect(res.status, String(type)).toBe(415);
      expect(withoutRequestId(res.body)).toEqual(JSON_ONLY);
      expect(res.setCookies).toEqual([]);
    }
    const sub = await subscribeViaApi(client, "basic");
    const del = await client.send("DELETE", `/api/v1/subscriptions/${sub.subscription.id}`, { body: "confirm=1", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(del.status).toBe(415);
    expect((await client.get(`/api/v1/subscriptions/${sub.subscription.id}`)).body.state).toBe("active");
  });
});

describe("password guessing", () => {
  it("answers 429 with Retry-After after 5 wrong passwords for one account, even to the right one", async () => {
    const account = await createAccount(svc.context);
    secrets.add(account.password);
    for (let i = 0; i < 5; i++) {
      const res = await new Client(svc.controlUrl, fromNewAddress()).post("/api/v1/auth/sign-in", { email: account.email, password: `guess number ${i}` });
      expect(res.status).toBe(401);
    }
    const locked = await new Client(svc.controlUrl, fromNewAddress()).post("/api/v1/auth/sign-in", { email: account.email, password: account.password });
    expect(locked.status).toBe(429);
    expect(withoutRequestId(locked.body)).toEqual({ statusCode: 429, code: "RATE_LIMITED", message: expect.stringMatching(/^Too many failed sign-in attempts\. Try again in \d+ seconds\.$/) });
    const retryAfter = Number(locked.headers["retry-after"]);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The lock is the account's: it also refuses the address the same way, whoever asks.
    const other = await new Client(svc.controlUrl, fromNewAddress()).post("/api/v1/auth/sign-in", { email: account.email.toUpperCase(), password: "x" });
    expect(other.status).toBe(429);
  });

  it("answers 429 to an address after 20 failures across accounts", async () => {
    const headers = fromNewAddress();
    for (let i = 0; i < 20; i++) {
      const res = await new Client(svc.controlUrl, headers).post("/api/v1/auth/sign-in", { email: uniqueEmail("nobody"), password: "guessing" });
      expect(res.status).toBe(401);
    }
    const account = await createAccount(svc.context);
    const res = await new Client(svc.controlUrl, headers).post("/api/v1/auth/sign-in", { email: account.email, password: account.password });
    expect(res.status).toBe(429);
    expect((await new Client(svc.controlUrl, fromNewAddress()).post("/api/v1/auth/sign-in", { email: account.email, password: account.password })).status).toBe(204);
  });

  it("throttles sign-up and reset per address", async () => {
    const headers = fromNewAddress();
    for (let i = 0; i < 20; i++) {
      expect((await new Client(svc.controlUrl, headers).post("/api/v1/auth/password-reset", { email: uniqueEmail("r") })).status).toBe(202);
    }
    const reset = await new Client(svc.controlUrl, headers).post("/api/v1/auth/password-reset", { email: uniqueEmail("r") });
    expect(reset.status).toBe(429);
    expect(reset.body.code).toBe("RATE_LIMITED");
    expect(Number(reset.headers["retry-after"])).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      expect((await new Client(svc.controlUrl, headers).post("/api/v1/auth/sign-up", { email: uniqueEmail("s"), password: PASSWORD, name: "S" })).status).toBe(202);
    }
    const signUp = await new Client(svc.controlUrl, headers).post("/api/v1/auth/sign-up", { email: uniqueEmail("s"), password: PASSWORD, name: "S" });
    expect(signUp.status).toBe(429);
  });
});

describe("no account enumeration", () => {
  it("answers sign-up, reset and resend alike for known and unknown addresses", async () => {
    const known = await createAccount(svc.context);
    const unknowns: string[] = [];
    const ask = (route: string, email: string) =>
      new Client(svc.controlUrl, fromNewAddress()).post(route, route.endsWith("sign-up") ? { email, password: "some password here", name: "X" } : { email });
    for (const route of ["/api/v1/auth/sign-up", "/api/v1/auth/password-reset", "/api/v1/auth/verify/resend"]) {
      // A fresh unknown address per route: signing up makes the address known.
      const unknown = uniqueEmail("ghost");
      unknowns.push(unknown);
      const a = await ask(route, known.email);
      const b = await ask(route, unknown);
      expect(a.status, route).toBe(202);
      expect(b.status, route).toBe(a.status);
      expect(a.body, route).toEqual(b.body);
      expect(a.setCookies).toEqual(b.setCookies);
    }
    await waitForMail(svc.dataDir, known.email, "reset");
    await waitForMail(svc.dataDir, known.email, "sign-up-notice");
    // Only the sign-up of an unknown address e-mails it (to verify); reset and resend send nothing.
    expect((await mailsTo(svc.dataDir, unknowns[0]!)).map((m) => m.template)).toEqual(["verify"]);
    expect(await mailsTo(svc.dataDir, unknowns[1]!)).toEqual([]);
    expect(await mailsTo(svc.dataDir, unknowns[2]!)).toEqual([]);
  });

  it("answers a wrong password and an unknown address with the same body, in about the same time", async () => {
    const known = await createAccount(svc.context);
    const timeOf = async (email: string) => {
      const started = performance.now();
      const res = await new Client(svc.controlUrl, fromNewAddress()).post("/api/v1/auth/sign-in", { email, password: "not the password" });
      return { ms: performance.now() - started, body: withoutRequestId(res.body), status: res.status };
    };
    const wrong: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await timeOf(known.email);
      const b = await timeOf(uniqueEmail("ghost"));
      expect(a.status).toBe(401);
      expect(a.body).toEqual(b.body);
      wrong.push(a.ms);
      missing.push(b.ms);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // Both verify one argon2id hash (a dummy one for an unknown address);
    // without it the unknown address answers in a few percent of the time.
    // The bounds are wide because other test files share the CPU.
    const ratio = median(missing) / median(wrong);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});

describe("sessions", () => {
  it("are dead after sign-out, even when the old cookie is replayed", async () => {
    const { client } = await browser();
    const token = client.session()!;
    expect((await client.post("/api/v1/auth/sign-out")).status).toBe(204);
    const replay = new Client(svc.controlUrl);
    replay.cookies.set("portico_session", token);
    const res = await replay.get("/api/v1/me");
    expect(res.status).toBe(401);
    expect(res.setCookies[0]).toMatch(/^portico_session=; Max-Age=0/);
  });

  it("are all dead after a password change, the changing browser's old token included", async () => {
    const first = await browser();
    const second = new Client(svc.controlUrl, fromNewAddress());
    expect((await second.post("/api/v1/auth/sign-in", { email: first.email, password: PASSWORD })).status).toBe(204);
    secrets.add(second.session()!);
    const oldToken = first.client.session()!;
    const newPassword = "a different secret phrase";
    secrets.add(newPassword);
    expect((await first.client.post("/api/v1/me/password", { currentPassword: PASSWORD, newPassword })).status).toBe(204);
    secrets.add(first.client.session()!);
    expect((await second.get("/api/v1/me")).status).toBe(401);
    const replay = new Client(svc.controlUrl);
    replay.cookies.set("portico_session", oldToken);
    expect((await replay.get("/api/v1/me")).status).toBe(401);
    expect((await first.client.get("/api/v1/me")).status).toBe(200);
  });

  it("are 256-bit random tokens stored only as their SHA-256", async () => {
    const { client } = await browser();
    const token = client.session()!;
    expect(token).toMatch(/^[a-z2-7]{52}$/);
    const rows = await svc.context.store.client.execute({ sql: "select id from sessions where id = ? or id = ?", args: [token, createHash("sha256").update(token).digest("hex")] });
    expect(rows.rows.map((r) => r.id)).toEqual([createHash("sha256").update(token).digest("hex")]);
    const forged = new Client(svc.controlUrl);
    forged.cookies.set("portico_session", token.slice(0, -1) + (token.endsWith("a") ? "b" : "a"));
    expect((await forged.get("/api/v1/me")).status).toBe(401);
  });

  it("use a __Host- cookie, Secure, under an https portal, and a name the gateway strips", () => {
    expect(cookieSettings("https://developers.example.com")).toEqual({ name: "__Host-portico_session", secure: true });
    expect(cookieSettings("http://localhost:4000")).toEqual({ name: "portico_session", secure: false });
    const stripped = /^(__Host-|__Secure-)?portico[_-]/;
    for (const name of ["__Host-portico_session", "portico_session", "portico_oidc", "__Host-portico_oidc"]) expect(name).toMatch(stripped);
  });
});

describe("secrets at rest", () => {
  it("keeps every password, key and session token used here out of the database files, the outbox and the logs", async () => {
    const { client } = await browser();
    const sub = await subscribeViaApi(client, "basic");
    secrets.add(sub.primaryKey);
    secrets.add(sub.secondaryKey);
    secrets.add(PASSWORD);
    const files: Array<{ name: string; text: string }> = [{ name: "logs", text: logs }];
    for (const name of await readdir(svc.dataDir)) {
      if (name.startsWith("portico.db")) files.push({ name, text: (await readFile(path.join(svc.dataDir, name))).toString("latin1") });
    }
    for (const mail of await readOutbox(svc.dataDir)) files.push({ name: mail.file, text: `${mail.raw}\n${mail.text}\n${mail.html}` });
    expect(files.length).toBeGreaterThan(3);
    expect(secrets.size).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const file of files) expect(file.text.includes(secret), `${file.name} holds a secret`).toBe(false);
    }
  });
});
