/**
 * Shared steps for the accounts and management API tests: an HTTP client
 * with a cookie jar (like a browser tab), the outbox read back as decoded
 * messages, and accounts made either through the API (sign-up, verify,
 * sign-in) or directly in the store when a test needs many.
 */
import { request } from "undici";
import { hashPassword } from "../../gateway/src/accounts/passwords.ts";
import type { ServiceContext } from "../../gateway/src/server/service.ts";
import { addGroupMember, createUser } from "../../gateway/src/store/index.ts";
import type { TestService } from "./harness.ts";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
  setCookies: string[];
}

const JSON_HEADERS = { "content-type": "application/json" };

/** One browser: keeps the cookies the service sets and sends them back. */
export class Client {
  readonly base: string;
  readonly cookies = new Map<string, string>();
  readonly extraHeaders: Record<string, string>;

  constructor(base: string, extraHeaders: Record<string, string> = {}) {
    this.base = base;
    this.extraHeaders = extraHeaders;
  }

  cookieHeader(): string | undefined {
    return this.cookies.size === 0 ? undefined : [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async send(method: string, url: string, options: { json?: unknown; body?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...this.extraHeaders };
    const cookie = this.cookieHeader();
    if (cookie !== undefined) headers.cookie = cookie;
    let body = options.body;
    if (options.json !== undefined) {
      Object.assign(headers, JSON_HEADERS);
      body = JSON.stringify(options.json);
    }
    Object.assign(headers, options.headers ?? {});
    const res = await request(url.startsWith("http") ? url : `${this.base}${url}`, { method: method as "GET", headers, body });
    const text = await res.body.text();
    const raw = res.headers["set-cookie"];
    const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of setCookies) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let parsed: unknown = undefined;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, body: parsed, setCookies };
  }

  get(url: string, headers?: Record<string, string>) {
    return this.send("GET", url, { headers });
  }
  post(url: string, json: unknown = {}, headers?: Record<string, string>) {
    return this.send("POST", url, { json, headers });
  }
  patch(url: string, json: unknown, headers?: Record<string, string>) {
    return this.send("PATCH", url, { json, headers });
  }
  delete(url: string, json?: unknown, headers?: Record<string, string>) {
    return this.send("DELETE", url, { json, headers });
  }
  session(): string | undefined {
    return this.cookies.get("portico_session");
  }
}

/** The error body without its request id, for comparing two answers. */
export function withoutRequestId(body: any): any {
  const { requestId, ...rest } = body as { requestId?: string };
  void requestId;
  return rest;
}

// ------------------------------------------------------------------ outbox

export { parseMail, readOutbox, type Mail } from "../../gateway/src/accounts/email/outbox.ts";
import { readOutbox, type Mail } from "../../gateway/src/accounts/email/outbox.ts";

/**
 * Waits for a message to `to` (of `template`, when given) beyond the first
 * `after` such messages, and returns the newest.
 */
export async function waitForMail(dataDir: string, to: string, template?: string, options: { after?: number; timeoutMs?: number } = {}): Promise<Mail> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    const found = (await readOutbox(dataDir)).filter((m) => m.to === to && (template === undefined || m.template === template));
    if (found.length > (options.after ?? 0)) return found[found.length - 1]!;
    if (Date.now() > deadline) throw new Error(`no ${template ?? ""} e-mail to ${to} in the outbox`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function mailsTo(dataDir: string, to: string): Promise<Mail[]> {
  return (await readOutbox(dataDir)).filter((m) => m.to === to);
}

/** The token of a `/<page>?token=…` link in a message's text. */
export function linkToken(mail: Mail, page: "verify" | "reset" | "invite"): string {
  const m = new RegExp(`/${page}\\?token=([a-z0-9]+)`).exec(mail.text);
  if (m === null) throw new Error(`no /${page} link in:\n${mail.text}`);
  return m[1]!;
}

// ------------------------------------------------------------------ accounts

let counter = 0;
export function uniqueEmail(prefix = "dev"): string {
  return `${prefix}-${++counter}-${process.pid}@example.com`;
}

export const PASSWORD = "correct horse battery staple";

/** Sign-up, the link from the outbox, sign-in: a signed-in browser, all through the API. */
export async function signUpAndSignIn(svc: TestService, options: { email?: string; password?: string; name?: string; headers?: Record<string, string> } = {}) {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? PASSWORD;
  const client = new Client(svc.controlUrl, options.headers);
  const up = await client.post("/api/v1/auth/sign-up", { email, password, name: options.name ?? "Ada Lovelace", company: "Analytical Engines" });
  if (up.status !== 202) throw new Error(`sign-up: ${up.status} ${up.text}`);
  const mail = await waitForMail(svc.dataDir, email, "verify");
  const verified = await client.post("/api/v1/auth/verify", { token: linkToken(mail, "verify") });
  if (verified.status !== 204) throw new Error(`verify: ${verified.status} ${verified.text}`);
  const signIn = await client.post("/api/v1/auth/sign-in", { email, password });
  if (signIn.status !== 204) throw new Error(`sign-in: ${signIn.status} ${signIn.text}`);
  const me = await client.get("/api/v1/me");
  return { client, email, password, userId: me.body.id as string };
}

/** A verified account made in the store (no e-mail, no throttle), optionally in groups. */
export async function createAccount(ctx: ServiceContext, options: { email?: string; password?: string; name?: string; groups?: string[] } = {}) {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? PASSWORD;
  const created = await createUser(ctx.store, { email, name: options.name ?? "Test User", passwordHash: await hashPassword(password), emailVerifiedAt: new Date() });
  if (!created.ok) throw new Error(created.message);
  for (const groupId of options.groups ?? []) await addGroupMember(ctx.store, { groupId, userId: created.user.id });
  return { email, password, userId: created.user.id };
}

/** A signed-in browser for an account made in the store. */
export async function signedIn(svc: TestService, options: { email?: string; password?: string; name?: string; groups?: string[]; headers?: Record<string, string> } = {}) {
  const account = await createAccount(svc.context, options);
  const client = new Client(svc.controlUrl, options.headers);
  const res = await client.post("/api/v1/auth/sign-in", { email: account.email, password: account.password });
  if (res.status !== 204) throw new Error(`sign-in: ${res.status} ${res.text}`);
  return { client, ...account };
}

/** Subscribes through the API and returns the subscription with its keys. */
export async function subscribeViaApi(client: Client, product: string, name?: string) {
  const created = await client.post("/api/v1/subscriptions", { product, name, acceptTerms: true });
  if (created.status !== 201) throw new Error(`subscribe: ${created.status} ${created.text}`);
  const keys = await client.get(`/api/v1/subscriptions/${created.body.id}/keys`);
  return { subscription: created.body, primaryKey: keys.body.primaryKey as string, secondaryKey: keys.body.secondaryKey as string };
}

/** Calls the gateway with a key; resolves with the status. */
export async function gatewayStatus(svc: TestService, key: string | undefined, url = "/weather/v1/forecast?city=Oslo"): Promise<number> {
  const res = await request(`${svc.gatewayUrl}${url}`, { headers: key === undefined ? {} : { "Ocp-Apim-Subscription-Key": key } });
  await res.body.text();
  return res.statusCode;
}
