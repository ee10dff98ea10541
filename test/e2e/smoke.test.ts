import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { TestService } from "../integration/harness.ts";
import { launchBrowser, screenshot, startPortal } from "./browser.ts";

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

describe("portal in Chromium", () => {
  it("renders the home page with the theme and no console errors", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const res = await page.goto(svc.controlUrl);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toContain("DroneFly");
    expect(await page.locator("h1").first().textContent()).toBeTruthy();
    await screenshot(page, "smoke-home");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows an operation page with the shared operation list, the current one marked, and filters it", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const res = await page.goto(`${svc.controlUrl}/apis/weather/operations/getHourlyForecast`);
    expect(res?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Get the hourly forecast for a city (preview)");
    const nav = page.locator(".op-nav");
    await nav.locator(".op-nav-list").waitFor();
    expect(await nav.locator("a[aria-current=page]").textContent()).toBe("GETGet the hourly forecast for a city (preview)");
    expect(await nav.locator("li").count()).toBe(3);
    await screenshot(page, "operation-page");
    await nav.locator("input").fill("alert");
    expect(await nav.locator("li:visible").allTextContents()).toEqual(["GETList weather alerts"]);
    await nav.locator("li:visible a").click();
    await page.waitForURL(/\/apis\/weather\/operations\/listAlerts$/);
    expect(await page.locator("h1").textContent()).toBe("List weather alerts");
    expect(errors).toEqual([]);
    await page.close();
  });
});
