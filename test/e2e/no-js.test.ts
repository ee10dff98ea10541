/**
 * The portal without JavaScript: every guest page still says what it is
 * about (DESIGN §6, "readable without JavaScript"), and the reference, which
 * needs scripts, says so first and points at what works without them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TestService } from "../integration/harness.ts";
import { launchBrowser, screenshot, startPortal } from "./browser.ts";

let svc: TestService;
let browser: Browser;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
  svc = await startPortal();
  browser = await launchBrowser();
  context = await browser.newContext({ javaScriptEnabled: false });
  page = await context.newPage();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await svc?.stop();
});

describe("without JavaScript", () => {
  it.each([
    ["/", "DroneFly Developers", "Check flying conditions along your routes"],
    ["/apis", "APIs", "DroneFly Weather API"],
    ["/apis/weather", "DroneFly Weather API", "Get the daily forecast for a city"],
    ["/products/basic", "Basic", "10 calls per 10 seconds"],
    ["/docs/getting-started", "Getting started", "Ocp-Apim-Subscription-Key"],
    ["/docs/policies/rate-limit", "rate-limit", "renewalPeriod"],
  ])("%s shows its heading and its content", async (path, heading, text) => {
    const res = await page.goto(svc.controlUrl + path);
    expect(res?.status()).toBe(200);
    expect((await page.locator("h1").first().innerText()).trim()).toBe(heading);
    expect(await page.locator("main").first().innerText()).toContain(text);
  });

  it("the reference says first that it needs JavaScript, with links to the operations and the definition", async () => {
    await page.goto(`${svc.controlUrl}/apis/weather/reference`);
    const fallback = page.locator(".reference-fallback");
    expect(await fallback.isVisible()).toBe(true);
    expect(await fallback.innerText()).toContain("The interactive reference needs JavaScript.");
    expect(await page.locator(".reference-fallback a").evaluateAll((links) => links.map((a) => a.getAttribute("href")))).toEqual([
      "/apis/weather",
      "/apis/weather/openapi.json",
      "/apis/weather/openapi.yaml",
    ]);
    expect(await page.getByText("Loading the interactive reference…").isVisible()).toBe(false);
    await screenshot(page, "no-js-reference");
  });
});
