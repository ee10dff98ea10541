/**
 * Weight and accessibility of public pages as Chromium loads them: a docs
 * page runs at most 50 KB of gzipped JavaScript (every script it fetches,
 * and its inline scripts, gzipped here), and the pages a guest reads most,
 * the reference with its try-it bar included, have no serious or critical
 * axe-core violations in either colour scheme.
 */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { TestService } from "../integration/harness.ts";
import { launchBrowser, startPortal, seriousViolations } from "./browser.ts";

const BUDGET = 50 * 1024;

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

describe("docs pages in Chromium", () => {
  it("load at most 50 KB of gzipped JavaScript, and none of the reference", async () => {
    const page = await browser.newPage();
    const scripts = new Map<string, number>();
    const bodies: Array<Promise<void>> = [];
    page.on("response", (res) => {
      if (res.request().resourceType() !== "script") return;
      bodies.push(
        res.body().then((b) => {
          scripts.set(res.url(), gzipSync(b).length);
        }),
      );
    });
    const res = await page.goto(`${svc.controlUrl}/docs/getting-started`, { waitUntil: "networkidle" });
    expect(res?.status()).toBe(200);
    await Promise.all(bodies);
    const inline = await page.evaluate(() => [...document.querySelectorAll("script:not([src])")].map((s) => s.textContent ?? ""));
    const inlineBytes = inline.reduce((sum, text) => sum + gzipSync(Buffer.from(text)).length, 0);
    const fetched = [...scripts.values()].reduce((a, b) => a + b, 0);
    expect([...scripts.keys()].filter((u) => /scalar|ApiReference/i.test(u))).toEqual([]);
    expect(fetched + inlineBytes, `scripts: ${JSON.stringify(Object.fromEntries(scripts))}, inline: ${inlineBytes}`).toBeLessThanOrEqual(BUDGET);
    // The measurement sees the page's own scripts (the header's session and theme switches at least).
    expect(scripts.size + inline.filter((t) => t.trim() !== "").length).toBeGreaterThan(0);
    await page.close();
  });
});

describe("accessibility (axe-core, serious and critical)", () => {
  const PAGES = ["/", "/apis", "/apis/weather", "/apis/weather/operations/getForecast", "/apis/weather/schemas/Forecast", "/products/basic", "/docs/getting-started", "/signin", "/signup", "/apis/weather/reference"];
  for (const scheme of ["light", "dark"] as const) {
    it(`has no serious or critical violations in the ${scheme} scheme`, async () => {
      const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
      const found: Record<string, string[]> = {};
      for (const path of PAGES) {
        const page = await context.newPage();
        const res = await page.goto(svc.controlUrl + path, { waitUntil: "networkidle" });
        expect(res?.status(), path).toBe(200);
        if (path.endsWith("/reference")) await page.locator('.portico-reference[data-state="ready"]').waitFor();
        const violations = await seriousViolations(page);
        if (violations.length > 0) found[path] = violations;
        await page.close();
      }
      expect(found).toEqual({});
      await context.close();
    }, 120_000);
  }
});
