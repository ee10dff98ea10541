/**
 * The developer's journey through the portal in Chromium, every step in the
 * browser: sign up (with the custom field), confirm the address through the
 * link in the outbox, subscribe to Basic from its product page (terms
 * accepted), open the Weather reference and send a try-it request that the
 * gateway answers 200, see that call in the usage chart, regenerate the
 * primary key (the old one stops working at once); then request Premium,
 * which an administrator approves from the approvals page, and see it
 * active. Each main page is photographed and checked with axe-core.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Client, createAccount, gatewayStatus, linkToken, signedIn, subscribeViaApi, uniqueEmail, waitForMail } from "../integration/accounts.helpers.ts";
import { DEMO_CONTENT, ROOT, startPortico, type TestService } from "../integration/harness.ts";
import { buildDemoPortal, E2E_DIST, launchBrowser, SCREENSHOTS, screenshot, startPortal, seriousViolations } from "./browser.ts";

const PASSWORD = "correct horse battery staple";

/** A full-page photograph from the top, so that the sticky header stays at the top. */
async function photograph(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

let svc: TestService;
let browser: Browser;
beforeAll(async () => {
  svc = await startPortal();
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password (required)", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

describe("the developer's journey", () => {
  it("signs up, subscribes, tries the API, sees the call, regenerates a key, and gets Premium approved", async () => {
    const email = uniqueEmail("journey");
    const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // Sign up, with the portal's custom field.
    await page.goto(`${svc.controlUrl}/signup`);
    await page.getByLabel("Name").fill("Ada Journey");
    await page.getByLabel("E-mail address").fill(email);
    await page.getByLabel("Password (required)", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Company").fill("Analytical Drones");
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "journey-1-signup");
    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByText("Check your inbox").waitFor();

    // Confirm the address through the link in the outbox.
    const mail = await waitForMail(svc.dataDir, email, "verify");
    const link = new URL(/https?:\/\/\S+\/verify\?token=[a-z0-9]+/.exec(mail.text)![0]);
    expect(link.searchParams.get("token")).toBe(linkToken(mail, "verify"));
    await page.goto(`${svc.controlUrl}${link.pathname}${link.search}`);
    await page.getByText("Your address is confirmed").waitFor();
    await photograph(page, "journey-2-verified");

    // Subscribe to Basic from its product page: sign in on the way, accept the terms.
    await page.goto(`${svc.controlUrl}/products/basic`);
    await page.locator(".product-aside").getByRole("link", { name: "Subscribe" }).click();
    await page.locator(".app-body").getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(/\/signin\?next=/);
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "journey-3-signin");
    await signIn(page, email, PASSWORD);
    await page.waitForURL(`${svc.controlUrl}/account/subscribe?product=basic`);
    await page.getByLabel("Subscription name").fill("Drone dispatch");
    await page.getByLabel("I have read and accept the terms of use of Basic.").check();
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "journey-4-subscribe");
    await page.getByRole("button", { name: "Subscribe" }).click();
    await page.getByText("You are subscribed").waitFor();
    const me = await context.request.get(`${svc.controlUrl}/api/v1/subscriptions`);
    const subs = (await me.json()) as { subscriptions: Array<{ id: string; name: string; productId: string; state: string; primaryKeyStart: string }> };
    expect(subs.subscriptions.map((s) => [s.name, s.productId, s.state])).toEqual([["Drone dispatch", "basic", "active"]]);
    const subscriptionId = subs.subscriptions[0]!.id;
    const keyStart = subs.subscriptions[0]!.primaryKeyStart;
    const keys = (await (await context.request.get(`${svc.controlUrl}/api/v1/subscriptions/${subscriptionId}/keys`)).json()) as { primaryKey: string; secondaryKey: string };

    // The Weather reference, its key field filled in, one try-it request through the gateway.
    await page.goto(`${svc.controlUrl}/apis/weather/reference`);
    await page.locator('[data-key-ready="yes"]').waitFor();
    const picker = page.getByLabel("Key for test requests");
    expect(await picker.locator("option:checked").innerText()).toBe(`Drone dispatch · primary key (${keyStart}…)`);
    expect(await picker.locator("optgroup").getAttribute("label")).toBe("Basic");
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("portico-tryit")))).toEqual([]);
    await page.getByRole("button", { name: /^Test Request/ }).first().click();
    const gatewayCall = page.waitForResponse((r) => r.url().includes("/weather/") && r.url().includes("/forecast?") && r.request().method() === "GET");
    await page.getByRole("button", { name: /^Send/ }).first().click();
    const answer = await gatewayCall;
    expect(answer.status()).toBe(200);
    expect(new URL(answer.url()).origin).toBe(svc.gatewayUrl.replace("127.0.0.1", "localhost"));
    expect(await answer.request().headerValue("ocp-apim-subscription-key")).toBe(keys.primaryKey);
    expect(answer.url()).not.toContain(keys.primaryKey);
    expect(((await answer.json()) as { city: string }).city).toBe("Oslo");
    await page.getByText("200 OK").first().waitFor();
    // The console is a modal over the page: photographed as the viewport shows it.
    await page.screenshot({ path: path.join(SCREENSHOTS, "journey-5-tryit.png") });
    await page.keyboard.press("Escape");

    // The call in the usage chart. Usage is flushed every PORTICO_USAGE_FLUSH_MS (200 ms in tests):
    // the page is refreshed until the call is counted, at most for 10 seconds.
    await page.goto(`${svc.controlUrl}/account/usage`);
    const totals = page.locator("[data-usage-totals]");
    await totals.waitFor();
    await expect
      .poll(
        async () => {
          const calls = await totals.getAttribute("data-calls");
          if (calls !== "1") await page.getByRole("button", { name: "Refresh" }).click();
          return calls;
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe("1");
    const chart = page.locator('[data-chart="calls"]');
    expect(await chart.locator("[data-chart-summary]").innerText()).toMatch(/^1 call in this period: 1 succeeded, 0 were blocked by the gateway, 0 failed and 0 were client errors\. The busiest (minute|hour) was [^,]+, \d\d:\d\d [AP]M, with 1 call\.$/);
    expect(await chart.locator("canvas").count()).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Operation" }).click();
    const opRows = page.locator('table[data-breakdown="operation"] tbody tr');
    await expect.poll(() => opRows.count()).toBe(1);
    expect(await opRows.locator("td").first().innerText()).toBe("1");
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "journey-6-usage");

    // Regenerate the primary key, with confirmation: the old key stops working, the new one works.
    await page.goto(`${svc.controlUrl}/account`);
    const card = page.locator(`[data-subscription="${subscriptionId}"]`);
    await card.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "journey-7-account");
    expect(await gatewayStatus(svc, keys.primaryKey)).toBe(200);
    await card.getByRole("button", { name: "Regenerate the primary key" }).click();
    const confirm = page.getByRole("dialog", { name: "Regenerate the primary key?" });
    await confirm.getByRole("button", { name: "Regenerate" }).click();
    const fresh = page.locator("[data-new-key]");
    await fresh.waitFor();
    const newKey = (await fresh.innerText()).trim();
    expect(newKey).not.toBe(keys.primaryKey);
    expect(newKey).toMatch(/^dfly_[1-9A-HJ-NP-Za-km-z]+$/);
    expect(keys.primaryKey.startsWith(keyStart)).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "journey-8-new-key.png") });
    expect(await gatewayStatus(svc, keys.primaryKey)).toBe(401);
    expect(await gatewayStatus(svc, newKey)).toBe(200);
    await page.getByRole("dialog", { name: "Your new primary key" }).getByRole("button", { name: "Done" }).click();

    // Request Premium (approval required).
    await page.goto(`${svc.controlUrl}/products/premium`);
    await page.locator(".product-aside").getByRole("link", { name: "Request access" }).click();
    await page.waitForURL(`${svc.controlUrl}/account/subscribe?product=premium`);
    await page.getByLabel("I have read and accept the terms of use of Premium.").check();
    await page.getByRole("button", { name: "Request access" }).click();
    await page.getByText("Request sent").waitFor();

    // An administrator approves it from the approvals page.
    const admin = await createAccount(svc.context, { groups: ["administrators"], name: "Grace Admin" });
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const adminPage = await adminContext.newPage();
    adminPage.on("pageerror", (e) => errors.push(e.message));
    await adminPage.goto(`${svc.controlUrl}/signin?next=%2Fadmin`);
    await signIn(adminPage, admin.email, admin.password);
    await adminPage.waitForURL(`${svc.controlUrl}/admin`);
    const request = adminPage.locator(".request").filter({ hasText: email });
    await request.waitFor();
    expect(await request.locator(".request-title").innerText()).toBe("Premium");
    // What the administrator decides on: the sign-up answers and the other subscriptions.
    await request.getByText("Their other subscriptions").waitFor();
    const facts = await request.locator(".facts > div").evaluateAll((rows) => rows.map((r) => [r.querySelector("dt")!.textContent, r.querySelector("dd")!.textContent]));
    expect(facts.slice(1, 2)).toEqual([["Subscription name", "Premium"]]);
    expect(facts.slice(4)).toEqual([
      ["Company", "Analytical Drones"],
      ["Their other subscriptions", "Basic (Active)"],
    ]);
    expect(await seriousViolations(adminPage)).toEqual([]);
    await photograph(adminPage, "journey-9-approvals");
    await request.getByRole("button", { name: `Approve the request of ${email}` }).click();
    const approve = adminPage.getByRole("dialog", { name: `Approve Ada Journey's request for Premium?` });
    await approve.getByLabel("Note to the subscriber (optional)").fill("Welcome aboard");
    expect(await seriousViolations(adminPage)).toEqual([]);
    await approve.getByRole("button", { name: "Approve" }).click();
    await adminPage.getByText("Approved: Ada Journey can now use Premium.").waitFor();
    await expect.poll(() => request.count()).toBe(0);
    const approvedMail = await waitForMail(svc.dataDir, email, "subscription-approved");
    expect(approvedMail.text).toContain("Welcome aboard");
    await adminContext.close();

    // The developer sees Premium active.
    await page.goto(`${svc.controlUrl}/account`);
    const premium = page.locator(".subscription").filter({ hasText: "Premium" });
    await premium.waitFor();
    expect(await premium.getAttribute("data-state")).toBe("active");
    expect(await premium.locator(".badge").first().innerText()).toBe("Active");
    expect(await premium.locator(".state-comment").innerText()).toBe("Note from the administrators: Welcome aboard");
    await photograph(page, "journey-10-premium-active");
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);
});

/** A browser signed in with `client`'s session, its sign-in hint set as a sign-in in the portal would. */
async function contextWithSession(client: Client, base: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: "portico_session", value: client.session()!, url: base }]);
  await context.addInitScript(() => {
    if (localStorage.getItem("portico-session") === null) localStorage.setItem("portico-session", JSON.stringify({ administrator: false, checkedAt: Date.now() }));
  });
  return context;
}

/** Sends the first operation's try-it request and returns the key header the gateway received. */
async function sendTryIt(page: Page): Promise<{ status: number; key: string | null }> {
  await page.getByRole("button", { name: /^Test Request/ }).first().click();
  const call = page.waitForResponse((r) => r.url().includes("/weather/") && r.request().method() === "GET" && !r.url().includes("/api/v1/"));
  await page.getByRole("button", { name: /^Send/ }).first().click();
  const answer = await call;
  const key = await answer.request().headerValue("ocp-apim-subscription-key");
  await page.keyboard.press("Escape");
  return { status: answer.status(), key };
}

describe("the try-it console's key", () => {
  it("is picked among the user's subscriptions, grouped by product, and stored only when asked", async () => {
    const dev = await signedIn(svc, { name: "Picker Person" });
    const basic = await subscribeViaApi(dev.client, "basic", "Basic app");
    const requested = await dev.client.post("/api/v1/subscriptions", { product: "premium", name: "Premium app", acceptTerms: true });
    expect(requested.body.state).toBe("submitted");
    const admin = await createAccount(svc.context, { groups: ["administrators"] });
    const adminClient = new Client(svc.controlUrl);
    expect((await adminClient.post("/api/v1/auth/sign-in", { email: admin.email, password: admin.password })).status).toBe(204);
    expect((await adminClient.post(`/api/v1/admin/subscriptions/${requested.body.id}/approve`, {})).status).toBe(200);
    const premiumKeys = (await dev.client.get(`/api/v1/subscriptions/${requested.body.id}/keys`)).body as { primaryKey: string; secondaryKey: string };

    const context = await contextWithSession(dev.client, svc.controlUrl);
    const page = await context.newPage();
    await page.goto(`${svc.controlUrl}/apis/weather/reference`);
    await page.locator('[data-key-ready="yes"]').waitFor();
    const picker = page.getByLabel("Key for test requests");
    const groups = await picker.locator("optgroup").evaluateAll((els) => els.map((g) => [g.getAttribute("label"), [...g.querySelectorAll("option")].map((o) => o.textContent)]));
    expect(groups).toEqual([
      ["Basic", [`Basic app · primary key (${basic.subscription.primaryKeyStart}…)`, `Basic app · secondary key (${basic.subscription.secondaryKeyStart}…)`]],
      ["Premium", [`Premium app · primary key (${requested.body.primaryKeyStart}…)`, `Premium app · secondary key (${requested.body.secondaryKeyStart}…)`]],
    ]);
    expect(await sendTryIt(page)).toEqual({ status: 200, key: basic.primaryKey });

    await picker.selectOption(`${requested.body.id}:secondary`);
    await page.locator('.portico-reference[data-state="ready"]').waitFor();
    expect(await sendTryIt(page)).toEqual({ status: 200, key: premiumKeys.secondaryKey });
    expect(await page.evaluate(() => localStorage.getItem("portico-tryit:weather"))).toBeNull();

    // Remembered when ticked: kept across a reload, forgotten when unticked.
    await page.getByLabel("Remember the key in this browser").check();
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem("portico-tryit:weather")))!)).toEqual({ subscription: requested.body.id, slot: "secondary", key: premiumKeys.secondaryKey });
    await page.reload();
    await page.locator('[data-key-ready="yes"]').waitFor();
    expect(await page.getByLabel("Key for test requests").inputValue()).toBe(`${requested.body.id}:secondary`);
    expect(await page.getByLabel("Remember the key in this browser").isChecked()).toBe(true);
    await photograph(page, "tryit-picker");

    // Signed out (the session gone), the remembered key is still filled in, until forgotten.
    await context.clearCookies();
    await page.goto(`${svc.controlUrl}/apis/weather/reference`);
    await page.locator('[data-key-ready="yes"]').waitFor();
    expect(await page.locator('[data-tryit="remembered"]').innerText()).toBe("The key remembered in this browser is filled in. Forget the key");
    expect(await sendTryIt(page)).toEqual({ status: 200, key: premiumKeys.secondaryKey });
    await page.getByRole("button", { name: "Forget the key" }).click();
    await page.locator('[data-tryit="guest"]').waitFor();
    expect(await page.evaluate(() => localStorage.getItem("portico-tryit:weather"))).toBeNull();
    // Scalar sends its emptied field as an empty header, which the gateway refuses.
    expect(await sendTryIt(page)).toEqual({ status: 401, key: "" });
    await context.close();

    // Unticking forgets it too.
    const again = await contextWithSession(dev.client, svc.controlUrl);
    const second = await again.newPage();
    await second.goto(`${svc.controlUrl}/apis/weather/reference`);
    await second.locator('[data-key-ready="yes"]').waitFor();
    await second.getByLabel("Remember the key in this browser").check();
    expect(await second.evaluate(() => localStorage.getItem("portico-tryit:weather"))).not.toBeNull();
    await second.getByLabel("Remember the key in this browser").uncheck();
    expect(await second.evaluate(() => localStorage.getItem("portico-tryit:weather"))).toBeNull();

    // Signing out forgets remembered keys, so none stays behind in a shared browser.
    await second.getByLabel("Remember the key in this browser").check();
    expect(await second.evaluate(() => localStorage.getItem("portico-tryit:weather"))).not.toBeNull();
    await Promise.all([second.waitForURL(`${svc.controlUrl}/`), second.locator("header [data-sign-out]:visible").first().click()]);
    expect(await second.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("portico-tryit:")))).toEqual([]);
    await again.close();

    // Someone signed in without a subscription to a product with this API is pointed to the products.
    const newcomer = await signedIn(svc, { name: "Newcomer" });
    const newcomerContext = await contextWithSession(newcomer.client, svc.controlUrl);
    const newcomerPage = await newcomerContext.newPage();
    await newcomerPage.goto(`${svc.controlUrl}/apis/weather/reference`);
    await newcomerPage.locator('[data-key-ready="no"]').waitFor();
    expect(await newcomerPage.locator('[data-tryit="none"]').innerText()).toBe("None of your active subscriptions includes this API. Choose a product");
    await newcomerContext.close();

    // A guest is invited to sign in; no key is filled in.
    const guest = await browser.newPage();
    await guest.goto(`${svc.controlUrl}/apis/weather/reference`);
    await guest.locator('[data-key-ready="no"]').waitFor();
    expect(await guest.locator('[data-tryit="guest"]').innerText()).toBe("Sign in to send requests with one of your keys filled in. Sign in");
    expect(await guest.locator('[data-tryit="guest"] a').getAttribute("href")).toBe("/signin?next=%2Fapis%2Fweather%2Freference");
    await guest.close();
  }, 90_000);

  it("is not offered for an API whose api.yaml says tryIt: false", async () => {
    const content = await mkdtemp(path.join(tmpdir(), "portico-notryit-"));
    await cp(DEMO_CONTENT, content, { recursive: true });
    const file = path.join(content, "apis/status/api.yaml");
    await writeFile(file, `${await readFile(file, "utf8")}\ntryIt: false\n`);
    // The copy has no themes folder beside it: name the project's.
    const themes = path.join(ROOT, "themes");
    const dist = await buildDemoPortal(`${E2E_DIST}-notryit`, { PORTICO_CONTENT: content, PORTICO_THEMES: themes });
    const other = await startPortico({ env: { PORTICO_DIST: dist, PORTICO_CONTENT: content, PORTICO_THEMES: themes } });
    try {
      const dev = await signedIn(other, { name: "No Try" });
      await subscribeViaApi(dev.client, "basic", "Basic app");
      const context = await contextWithSession(dev.client, other.controlUrl);
      const page = await context.newPage();
      await page.goto(`${other.controlUrl}/apis/status/reference`);
      await page.locator('.portico-reference[data-state="ready"]').waitFor();
      await page.getByRole("heading", { name: "DroneFly Status API" }).first().waitFor();
      // The first tag's operation is drawn, without a button to send it.
      await page.getByRole("heading", { name: "Check platform health" }).first().waitFor();
      expect(await page.getByRole("button", { name: /^Test Request/ }).count()).toBe(0);
      expect(await page.locator("[data-tryit]").count()).toBe(0);
      // The same user, on an API that allows it, gets the console and a key.
      await page.goto(`${other.controlUrl}/apis/weather/reference`);
      await page.locator('[data-key-ready="yes"]').waitFor();
      // The key is ready before Scalar has drawn every operation: wait for a button, not count at once.
      await page.getByRole("button", { name: /^Test Request/ }).first().waitFor();
      expect(await page.getByRole("button", { name: /^Test Request/ }).count()).toBeGreaterThan(0);
      await context.close();
    } finally {
      await other.stop();
      await rm(content, { recursive: true, force: true });
    }
  }, 240_000);
});
