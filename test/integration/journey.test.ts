/**
 * The journey of issue 6, over real HTTP against the whole service: a
 * stranger signs up, verifies through the link in the outbox, signs in,
 * subscribes to Basic and calls the gateway, asks for Premium and waits for
 * an administrator, rotates a key, and finds every call in the usage API.
 * Finally no password, key or session token is anywhere in clear text: not
 * in the database files, the outbox or the logs.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../gateway/src/log.ts";
import { Client, gatewayStatus, linkToken, readOutbox, waitForMail } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

const ADMIN = { email: "ops@dronefly.example", password: "admin password for the journey" };
const DEV = { email: "grace@example.com", password: "hopper's compiler 1952", name: "Grace Hopper" };

let svc: TestService;
let logs = "";
beforeAll(async () => {
  const stream = new PassThrough();
  stream.on("data", (d: Buffer) => (logs += d.toString()));
  svc = await startPortico({
    env: { PORTICO_ADMIN_EMAIL: ADMIN.email, PORTICO_ADMIN_PASSWORD: ADMIN.password },
    logger: createLogger({ stream, level: "debug" }),
  });
});
afterAll(async () => {
  await svc?.stop();
});

describe("the journey", () => {
  const dev = () => new Client(svc.controlUrl);
  let browser: Client;
  const secrets: string[] = [ADMIN.password, DEV.password];
  let basic: { id: string; primaryKey: string; secondaryKey: string };
  let premium: { id: string; primaryKey: string };

  it("signs up, verifies through the link in the outbox and signs in", async () => {
    browser = dev();
    const up = await browser.post("/api/v1/auth/sign-up", { email: DEV.email, password: DEV.password, name: DEV.name, company: "Remington Rand" });
    expect(up.status).toBe(202);
    expect(up.body).toEqual({ message: "Check your inbox: we sent a link to confirm your address." });

    const mail = await waitForMail(svc.dataDir, DEV.email, "verify");
    expect(mail.subject).toBe("Confirm your e-mail address for DroneFly Developers");
    expect(mail.text).toContain(`${svc.context.urls.portal}/verify?token=`);
    const verified = await browser.post("/api/v1/auth/verify", { token: linkToken(mail, "verify") });
    expect(verified.status).toBe(204);

    const signIn = await browser.post("/api/v1/auth/sign-in", { email: DEV.email, password: DEV.password });
    expect(signIn.status).toBe(204);
    secrets.push(browser.session()!);
    const me = await browser.get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: DEV.email, name: DEV.name, emailVerified: true, groups: ["developers", "guests"], administrator: false, customFields: { company: "Remington Rand" } });
  });

  it("subscribes to Basic, active at once, and its key opens the gateway", async () => {
    const created = await browser.post("/api/v1/subscriptions", { product: "basic", name: "Route planner", acceptTerms: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ productId: "basic", productTitle: "Basic", name: "Route planner", state: "active" });
    const keys = await browser.get(`/api/v1/subscriptions/${created.body.id}/keys`);
    expect(keys.status).toBe(200);
    expect(keys.body.primaryKey).toMatch(/^dfly_/);
    expect(keys.body.primaryKey.startsWith(created.body.primaryKeyStart)).toBe(true);
    basic = { id: created.body.id, ...keys.body };
    secrets.push(basic.primaryKey, basic.secondaryKey);
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);
  });

  it("asks for Premium: submitted, its key refused, and an e-mail says it is waiting", async () => {
    const created = await browser.post("/api/v1/subscriptions", { product: "premium", name: "Production", acceptTerms: true });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe("submitted");
    const keys = await browser.get(`/api/v1/subscriptions/${created.body.id}/keys`);
    premium = { id: created.body.id, primaryKey: keys.body.primaryKey };
    secrets.push(keys.body.primaryKey, keys.body.secondaryKey);
    expect(await gatewayStatus(svc, premium.primaryKey)).toBe(401);
    const mail = await waitForMail(svc.dataDir, DEV.email, "subscription-submitted");
    expect(mail.subject).toBe("Your Premium subscription request was received");
  });

  it("an administrator approves it: an e-mail goes out and the key works", async () => {
    const admin = new Client(svc.controlUrl);
    expect((await admin.post("/api/v1/auth/sign-in", ADMIN)).status).toBe(204);
    secrets.push(admin.session()!);
    const queue = await admin.get("/api/v1/admin/approvals");
    expect(queue.status).toBe(200);
    expect(queue.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([premium.id]);
    expect(queue.body.subscriptions[0].user).toMatchObject({ email: DEV.email, name: DEV.name });

    const approved = await admin.post(`/api/v1/admin/subscriptions/${premium.id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id: premium.id, state: "active" });
    const mail = await waitForMail(svc.dataDir, DEV.email, "subscription-approved");
    expect(mail.subject).toBe("Your Premium subscription is active");
    expect(await gatewayStatus(svc, premium.primaryKey)).toBe(200);
  });

  it("regenerates Basic's primary key: the old one gets 401, the secondary and the new one 200", async () => {
    const res = await browser.post(`/api/v1/subscriptions/${basic.id}/keys/primary/regenerate`);
    expect(res.status).toBe(200);
    expect(res.body.slot).toBe("primary");
    expect(res.body.key).not.toBe(basic.primaryKey);
    secrets.push(res.body.key);
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(401);
    expect(await gatewayStatus(svc, basic.secondaryKey)).toBe(200);
    expect(await gatewayStatus(svc, res.body.key)).toBe(200);
  });

  it("shows every call in the usage API, exactly", async () => {
    // Basic: the first call, the secondary and the new primary (the old key's 401 belongs to no subscription).
    // Premium: the call after approval (its refused call was anonymous).
    const deadline = Date.now() + 5_000;
    let usage = await browser.get("/api/v1/usage?range=hour");
    while (usage.body?.totals?.calls !== 4 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      usage = await browser.get("/api/v1/usage?range=hour");
    }
    expect(usage.status).toBe(200);
    expect(usage.body.interval).toBe("minute");
    expect(usage.body.totals).toMatchObject({ calls: 4, success: 4, blocked: 0, failed: 0, clientErrors: 0 });
    // One point per minute of the last hour, the current partial minute included.
    expect(usage.body.series.length).toBeGreaterThanOrEqual(60);
    expect(usage.body.series.length).toBeLessThanOrEqual(61);
    expect(usage.body.series.reduce((n: number, p: { calls: number }) => n + p.calls, 0)).toBe(4);

    const perSubscription = await browser.get(`/api/v1/usage?range=hour&subscription=${basic.id}`);
    expect(perSubscription.body.totals).toMatchObject({ calls: 3, success: 3 });
    const byApi = await browser.get("/api/v1/usage/breakdown?by=subscription&range=day");
    expect(byApi.body.rows.map((r: { label: string; totals: { calls: number } }) => [r.label, r.totals.calls])).toEqual([
      ["Route planner", 3],
      ["Production", 1],
    ]);
  });

  it("keeps every password, key and session token out of the database files, the outbox and the logs", async () => {
    const files: Array<{ name: string; text: string }> = [];
    for (const name of await readdir(svc.dataDir)) {
      if (!name.startsWith("portico.db")) continue;
      files.push({ name, text: (await readFile(path.join(svc.dataDir, name))).toString("latin1") });
    }
    expect(files.map((f) => f.name)).toContain("portico.db");
    for (const mail of await readOutbox(svc.dataDir)) files.push({ name: `outbox/${mail.file}`, text: `${mail.raw}\n${mail.text}\n${mail.html}` });
    files.push({ name: "logs", text: logs });
    expect(logs.length).toBeGreaterThan(0);
    // Two passwords, two sessions, four keys, one regenerated key.
    expect(secrets.length).toBe(9);
    for (const secret of secrets) {
      for (const file of files) {
        expect(file.text.includes(secret), `${file.name} holds a secret in clear text`).toBe(false);
      }
    }
  });
});
