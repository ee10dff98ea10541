/**
 * The administration pages in Chromium: a developer is told each page is
 * for administrators only (the service answers 403); an administrator
 * suspends and reactivates a subscription, blocks and unblocks a user,
 * invites someone into a group, creates a group and manages its members,
 * and reads everyone's usage. Every page is checked with axe-core and
 * photographed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { Client, createAccount, gatewayStatus, signedIn, subscribeViaApi, uniqueEmail, waitForMail } from "../integration/accounts.helpers.ts";
import type { TestService } from "../integration/harness.ts";
import { launchBrowser, screenshot, startPortal, seriousViolations } from "./browser.ts";


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

/** A browser context signed in as `account` (the session cookie of an API sign-in). */
async function contextFor(account: { email: string; password: string }, options: { colorScheme?: "light" | "dark" } = {}): Promise<BrowserContext> {
  const client = new Client(svc.controlUrl);
  const res = await client.post("/api/v1/auth/sign-in", { email: account.email, password: account.password });
  expect(res.status).toBe(204);
  const me = await client.get("/api/v1/me");
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: options.colorScheme ?? "light" });
  await context.addCookies([{ name: "portico_session", value: client.session()!, url: svc.controlUrl }]);
  // The browser's sign-in hint, as the sign-in page leaves it (the header's links depend on it).
  await context.addInitScript((administrator: boolean) => {
    if (localStorage.getItem("portico-session") === null) localStorage.setItem("portico-session", JSON.stringify({ administrator, checkedAt: Date.now() }));
  }, me.body.administrator as boolean);
  return context;
}

/** A full-page photograph from the top, so that the sticky header stays at the top. */
async function photograph(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function open(context: BrowserContext, path: string): Promise<Page> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const res = await page.goto(svc.controlUrl + path);
  expect(res?.status()).toBe(200);
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

const PAGES = ["/admin", "/admin/subscriptions", "/admin/users", "/admin/groups", "/admin/usage"];

describe("administration pages", () => {
  it("ask a guest to sign in, and bring them back", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${svc.controlUrl}/admin/users`);
    const notice = page.getByRole("status").filter({ hasText: "Sign in to continue" });
    await notice.waitFor();
    expect(await notice.getByRole("link", { name: "Sign in" }).getAttribute("href")).toBe("/signin?next=%2Fadmin%2Fusers");
    const admin = await createAccount(svc.context, { groups: ["administrators"] });
    await notice.getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("E-mail address").fill(admin.email);
    await page.getByLabel("Password (required)", { exact: true }).fill(admin.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${svc.controlUrl}/admin/users`);
    // Their own row offers their profile, not blocking or deleting themselves.
    const own = page.locator(`tr[data-user="${admin.email}"]`);
    await own.locator(".you").waitFor();
    expect(await own.locator("td.actions").innerText()).toBe("Your profile");
    await context.close();
  });

  it("tell a developer that they are for administrators only", async () => {
    const dev = await createAccount(svc.context);
    const context = await contextFor(dev);
    for (const path of PAGES) {
      const page = await open(context, path);
      const notice = page.getByRole("status").filter({ hasText: "For administrators only" });
      await notice.waitFor();
      expect(await page.locator("table, .requests").count()).toBe(0);
      if (path === "/admin") await photograph(page, "admin-forbidden");
      await page.close();
    }
    await context.close();
  }, 60_000);

  it("approve nothing yet, then manage subscriptions: suspend stops the key, reactivate restores it", async () => {
    const admin = await createAccount(svc.context, { groups: ["administrators"], name: "Grace Admin" });
    const dev = await signedIn(svc, { name: "Dana Developer" });
    const basic = await subscribeViaApi(dev.client, "basic", "Dana's app");
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);
    const context = await contextFor(admin);

    const approvals = await open(context, "/admin");
    await approvals.locator("[data-empty-queue]").waitFor();
    expect(await seriousViolations(approvals)).toEqual([]);
    // Signed in without the portal's form (the session came with the context), the header still knows.
    await approvals.locator("header [data-sign-out]:visible").first().waitFor();
    expect(await approvals.locator("header [data-signed-out]:visible").count()).toBe(0);
    await photograph(approvals, "admin-approvals-empty");
    await approvals.close();

    const page = await open(context, "/admin/subscriptions?state=active");
    const row = page.locator(`tr[data-subscription="${basic.subscription.id}"]`);
    await row.waitFor();
    expect(await page.getByLabel("State").inputValue()).toBe("active");
    expect(await row.locator("th").innerText()).toBe("Dana's app\nBasic");
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "admin-subscriptions");

    await row.getByRole("button", { name: "Suspend Dana's app of Dana Developer" }).click();
    const dialog = page.getByRole("dialog", { name: "Suspend Dana's app of Dana Developer?" });
    await dialog.getByLabel("Note to the subscriber (optional)").fill("Unusual traffic");
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole("button", { name: "Suspend" }).click();
    await page.getByText("Suspended Dana's app of Dana Developer.").waitFor();
    expect(await row.getAttribute("data-state")).toBe("suspended");
    expect(await row.locator("td").nth(1).innerText()).toBe("Suspended\nReason: Unusual traffic");
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(401);
    const suspendedMail = await waitForMail(svc.dataDir, dev.email, "subscription-suspended");
    expect(suspendedMail.text).toContain("Reason: Unusual traffic");

    await row.getByRole("button", { name: "Reactivate Dana's app of Dana Developer" }).click();
    await page.getByRole("dialog", { name: "Reactivate Dana's app of Dana Developer?" }).getByRole("button", { name: "Reactivate" }).click();
    await page.getByText("Reactivated Dana's app of Dana Developer.").waitFor();
    expect(await row.getAttribute("data-state")).toBe("active");
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);

    // The state filter asks the service again: no active rows once filtered to cancelled.
    await page.getByLabel("State").selectOption("cancelled");
    await page.getByText("No subscriptions match these filters.").waitFor();
    expect(new URL(page.url()).search).toBe("?state=cancelled");
    expect((page as Page & { errors?: string[] }).errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("manage users and groups: block and unblock, invite into a group, create a group, add and remove a member", async () => {
    const admin = await createAccount(svc.context, { groups: ["administrators"], name: "Grace Admin" });
    const dev = await createAccount(svc.context, { name: "Blocky McBlockface" });
    const context = await contextFor(admin);

    const users = await open(context, "/admin/users");
    await users.locator("table[data-admin-users]").waitFor();
    await users.getByLabel("Search accounts").fill(dev.email);
    const row = users.locator(`tr[data-user="${dev.email}"]`);
    await row.waitFor();
    await users.locator("tr[data-user]").nth(1).waitFor({ state: "detached" });
    expect(await users.locator("tr[data-user]").count()).toBe(1);
    expect(await seriousViolations(users)).toEqual([]);
    await photograph(users, "admin-users");

    await row.getByRole("button", { name: "Block Blocky McBlockface" }).click();
    await users.getByRole("dialog", { name: "Block Blocky McBlockface?" }).getByRole("button", { name: "Block" }).click();
    await users.getByText("Blocked Blocky McBlockface.").waitFor();
    expect(await row.getAttribute("data-state")).toBe("blocked");
    const refused = await new Client(svc.controlUrl).post("/api/v1/auth/sign-in", { email: dev.email, password: dev.password });
    expect(refused.status).toBe(403);
    await row.getByRole("button", { name: "Unblock Blocky McBlockface" }).click();
    await users.getByText("Unblocked Blocky McBlockface.").waitFor();
    expect(await row.getAttribute("data-state")).toBe("active");
    const allowed = await new Client(svc.controlUrl).post("/api/v1/auth/sign-in", { email: dev.email, password: dev.password });
    expect(allowed.status).toBe(204);

    // Invite someone into the partners group.
    const invited = uniqueEmail("invitee");
    await users.getByLabel("Search accounts").fill("");
    await users.getByRole("form", { name: "Invite someone" }).getByLabel("E-mail address").fill(invited);
    await users.getByRole("form", { name: "Invite someone" }).getByLabel("Fleet partners").check();
    await users.getByRole("button", { name: "Send the invitation" }).click();
    await users.getByText(`Invitation sent to ${invited}.`).waitFor();
    const mail = await waitForMail(svc.dataDir, invited, "invite");
    expect(mail.text).toMatch(/\/invite\?token=[a-z0-9]+/);
    await users.close();

    const groups = await open(context, "/admin/groups");
    await groups.locator("table[data-admin-groups]").waitFor();
    expect(await groups.locator('tr[data-group="partners"] td.num').innerText()).toBe("1");
    await groups.getByLabel("Name", { exact: false }).first().fill("Beta testers");
    expect(await groups.getByLabel("Id").inputValue()).toBe("beta-testers");
    await groups.getByRole("button", { name: "Create a group" }).click();
    await groups.getByText("Created the group Beta testers.").waitFor();
    const members = groups.locator('[data-members="beta-testers"]');
    await members.getByText("This group has no members yet.").waitFor();
    expect(new URL(groups.url()).search).toBe("?group=beta-testers");

    await members.getByLabel("E-mail address of the account").fill("nobody@example.com");
    await members.getByRole("button", { name: "Add member" }).click();
    await members.getByText("No account has the address nobody@example.com.").waitFor();
    await members.getByLabel("E-mail address of the account").fill(dev.email);
    await members.getByRole("button", { name: "Add member" }).click();
    await groups.getByText("Added Blocky McBlockface to Beta testers.").waitFor();
    await members.locator(`tr[data-member="${dev.email}"]`).waitFor();
    expect(await groups.locator('tr[data-group="beta-testers"] td.num').innerText()).toBe("1");
    expect(await seriousViolations(groups)).toEqual([]);
    await photograph(groups, "admin-groups");

    await members.getByRole("button", { name: "Remove Blocky McBlockface" }).click();
    await groups.getByRole("dialog", { name: "Remove Blocky McBlockface from Beta testers?" }).getByRole("button", { name: "Remove" }).click();
    await groups.getByText("Removed Blocky McBlockface from Beta testers.").waitFor();
    await members.getByText("This group has no members yet.").waitFor();
    expect(await groups.locator('tr[data-group="beta-testers"] td.num').innerText()).toBe("0");
    expect((groups as Page & { errors?: string[] }).errors).toEqual([]);
    await context.close();
  }, 90_000);

  it("delete a user after confirmation: their subscription is cancelled and their key refused", async () => {
    const admin = await createAccount(svc.context, { groups: ["administrators"] });
    const dev = await signedIn(svc, { name: "Leaving Person" });
    const basic = await subscribeViaApi(dev.client, "basic", "Farewell app");
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);
    const context = await contextFor(admin);
    const page = await open(context, "/admin/users");
    await page.getByLabel("Search accounts").fill(dev.email);
    const row = page.locator(`tr[data-user="${dev.email}"]`);
    await row.waitFor();
    await row.getByRole("button", { name: "Delete Leaving Person" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete Leaving Person's account?" });
    expect(await dialog.innerText()).toContain("Their subscriptions are cancelled and their keys stop working.");
    await dialog.getByRole("button", { name: "Delete the account" }).click();
    await page.getByText("Deleted Leaving Person's account.").waitFor();
    await row.waitFor({ state: "detached" });
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(401);
    const stored = await new Client(svc.controlUrl).post("/api/v1/auth/sign-in", { email: dev.email, password: dev.password });
    expect(stored.status).toBe(401);
    // Gone from the list for good, not only from this page's copy of it.
    await page.reload();
    await page.locator("table[data-admin-users]").waitFor();
    expect(await page.locator(`tr[data-user="${dev.email}"]`).count()).toBe(0);
    await page.goto(`${svc.controlUrl}/admin/subscriptions?state=cancelled`);
    const cancelled = page.locator(`tr[data-subscription="${basic.subscription.id}"]`);
    await cancelled.waitFor();
    expect(await cancelled.locator("td").first().innerText()).toBe("Deleted account");
    await context.close();
  }, 60_000);

  it("show everyone's usage, broken down by user", async () => {
    const admin = await createAccount(svc.context, { groups: ["administrators"] });
    const dev = await signedIn(svc, { name: "Usage Person" });
    const basic = await subscribeViaApi(dev.client, "basic", "Usage app");
    for (let i = 0; i < 3; i++) expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);
    const context = await contextFor(admin);
    const page = await open(context, `/admin/usage?user=${dev.userId}`);
    // The flush interval is 200 ms in tests: refresh until the three calls are counted.
    const totals = page.locator("[data-usage-totals]");
    await totals.waitFor();
    await expect.poll(async () => {
      if ((await totals.getAttribute("data-calls")) !== "3") await page.getByRole("button", { name: "Refresh" }).click();
      return totals.getAttribute("data-calls");
    }, { timeout: 10_000, interval: 300 }).toBe("3");
    const breakdown = page.locator('table[data-breakdown="user"] tbody tr');
    await expect.poll(() => breakdown.count()).toBe(1);
    expect(await breakdown.locator("th").innerText()).toBe(dev.email);
    expect(await seriousViolations(page)).toEqual([]);
    await photograph(page, "admin-usage");
    await context.close();
  }, 60_000);
  it("reject a request only with a reason, which the subscriber receives", async () => {
    const admin = await createAccount(svc.context, { groups: ["administrators"], name: "Grace Admin" });
    const dev = await signedIn(svc, { name: "Rita Requester" });
    const requested = await dev.client.post("/api/v1/subscriptions", { product: "premium", name: "Rita's fleet planner", acceptTerms: true });
    expect(requested.body.state).toBe("submitted");
    const context = await contextFor(admin);
    const page = await open(context, "/admin");
    const request = page.locator(`[data-request="${requested.body.id}"]`);
    await request.waitFor();
    expect(await request.locator(".facts").innerText()).toContain("Rita's fleet planner");
    await request.getByRole("button", { name: `Reject the request of ${dev.email}` }).click();
    const dialog = page.getByRole("dialog", { name: "Reject Rita Requester's request for Premium?" });
    const confirm = dialog.getByRole("button", { name: "Reject" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel("Reason for the subscriber").fill("Start with Basic, then tell us your volumes.");
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await page.getByText("Rejected Rita Requester's request for Premium.").waitFor();
    await page.locator("[data-empty-queue]").waitFor();
    const mail = await waitForMail(svc.dataDir, dev.email, "subscription-rejected");
    expect(mail.text).toContain("Reason: Start with Basic, then tell us your volumes.");
    const mine = await dev.client.get(`/api/v1/subscriptions/${requested.body.id}`);
    expect([mine.body.state, mine.body.stateComment]).toEqual(["rejected", "Start with Basic, then tell us your volumes."]);
    await context.close();
  }, 60_000);

  it("read well in the dark scheme", async () => {
    const admin = await createAccount(svc.context, { groups: ["administrators"], name: "Grace Admin" });
    const dev = await signedIn(svc, { name: "Dark Requester" });
    await dev.client.post("/api/v1/subscriptions", { product: "premium", name: "Night shift", acceptTerms: true });
    const context = await contextFor(admin, { colorScheme: "dark" });
    const ready: Record<string, string> = {
      "/admin": ".request",
      "/admin/subscriptions": "table[data-admin-subscriptions]",
      "/admin/users": "table[data-admin-users]",
      "/admin/groups?group=partners": "[data-members]",
      "/admin/usage": "[data-usage-totals]",
    };
    for (const [path, selector] of Object.entries(ready)) {
      const page = await open(context, path);
      await page.locator(selector).first().waitFor();
      // The page is drawn dark: its background's channels are all below a quarter of full.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const channels = (/rgba?\((\d+), (\d+), (\d+)/.exec(background) ?? []).slice(1).map(Number);
      expect(channels.length, background).toBe(3);
      expect(Math.max(...channels), background).toBeLessThan(64);
      expect(await seriousViolations(page), path).toEqual([]);
      await photograph(page, `admin-dark-${path.split("?")[0]!.split("/").filter(Boolean).join("-")}`);
      await page.close();
    }
    await context.close();
  }, 90_000);
});
