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
});
