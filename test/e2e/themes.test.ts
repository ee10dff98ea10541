/**
 * Both shipped themes, in both colour schemes, in Chromium: each main page
 * loads without console errors, has no serious or critical axe-core
 * violation, and is saved as a full-page screenshot under
 * test-results/screenshots/themes-<theme>-<scheme>-<page>.png, for people
 * to look at. The Signal portal is built from a copy of the demo content
 * whose portal.yaml says `theme: signal`.
 */
import { cp, rm, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CONTENT, ROOT, startPortico, type TestService } from "../integration/harness.ts";
import { buildDemoPortal, E2E_DIST, launchBrowser, screenshot, seriousViolations } from "./browser.ts";


/** The main pages: name → path. */
const PAGES: Array<[string, string]> = [
  ["home", "/"],
  ["apis", "/apis"],
  ["api", "/apis/weather"],
  ["reference", "/apis/weather/reference"],
  ["products", "/products"],
  ["product", "/products/basic"],
  ["docs", "/docs/getting-started"],
  ["signin", "/signin"],
  ["not-found", "/no-such-page"],
];
const SCHEMES = ["light", "dark"] as const;

/** Each theme's accent token, from its theme.yaml. */
const ACCENTS: Record<string, Record<(typeof SCHEMES)[number], string>> = {
  default: { light: "#0b5fc4", dark: "#6cb2ff" },
  signal: { light: "#b93a0a", dark: "#ff8a4c" },
};

/** A copy of the demo content that selects `theme`, at a stable path so that its build is cached between runs. */
async function themedContent(theme: string): Promise<string> {
  const dir = path.join(tmpdir(), `portico-e2e-content-${theme}`);
  await rm(dir, { recursive: true, force: true });
  await cp(DEMO_CONTENT, dir, { recursive: true });
  const file = path.join(dir, "portal.yaml");
  const text = await readFile(file, "utf8");
  if (!/^theme: .*$/m.test(text)) throw new Error("the demo's portal.yaml has no `theme:` line to replace");
  await writeFile(file, text.replace(/^theme: .*$/m, `theme: ${theme}`));
  return dir;
}

/** Waits until the page has settled: fonts, the reference island, the search dialog's script. */
async function settle(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  if (name === "reference") {
    await page.locator(".portico-reference[data-state=ready]").waitFor({ timeout: 30_000 });
    await page.locator(".portico-reference :is(h1, h2)").first().waitFor({ timeout: 30_000 });
  }
  await page.evaluate(() => document.fonts.ready);
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const THEMES: Array<{ theme: string; build: () => Promise<{ dist: string; env: Record<string, string> }> }> = [
  { theme: "default", build: async () => ({ dist: await buildDemoPortal(), env: {} }) },
  {
    theme: "signal",
    build: async () => {
      const content = await themedContent("signal");
      const env = { PORTICO_CONTENT: content, PORTICO_THEMES: path.join(ROOT, "themes") };
      return { dist: await buildDemoPortal(`${E2E_DIST}-signal`, env), env };
    },
  },
];

for (const { theme, build } of THEMES) {
  describe(`the ${theme} theme`, () => {
    let svc: TestService;
    beforeAll(async () => {
      const { dist, env } = await build();
      svc = await startPortico({ env: { ...env, PORTICO_DIST: dist } });
    }, 300_000);
    afterAll(async () => {
      await svc?.stop();
    });

    for (const scheme of SCHEMES) {
      it(`renders every main page in ${scheme}, accessible and without console errors`, async () => {
        const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        try {
          for (const [name, urlPath] of PAGES) {
            const page = await context.newPage();
            const errors: string[] = [];
            page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
            page.on("console", (msg: ConsoleMessage) => {
              if (msg.type() !== "error") return;
              // The 404 page is served with status 404, which Chromium reports for the document itself.
              if (name === "not-found" && msg.location().url === svc.controlUrl + urlPath && /status of 404/.test(msg.text())) return;
              errors.push(`console: ${msg.text()} (${msg.location().url})`);
            });
            const res = await page.goto(svc.controlUrl + urlPath);
            expect(res?.status(), `${name} ${urlPath}`).toBe(name === "not-found" ? 404 : 200);
            await settle(page, name);
            // The chosen theme is the one applied, in the scheme asked for.
            const applied = await page.evaluate(() => ({
              accent: getComputedStyle(document.documentElement).getPropertyValue("--portico-accent").trim(),
              dark: matchMedia("(prefers-color-scheme: dark)").matches,
            }));
            expect(applied.dark, `${name}: colour scheme`).toBe(scheme === "dark");
            expect(applied.accent, `${name}: accent token`).toBe(ACCENTS[theme]![scheme]);
            await screenshot(page, `themes-${theme}-${scheme}-${name}`);
            for (const v of await seriousViolations(page)) problems.push(`${name}: ${v}`);
            for (const e of errors) problems.push(`${name}: ${e}`);
            await page.close();
          }
        } finally {
          await context.close();
        }
        expect(problems).toEqual([]);
      }, 240_000);
    }
  });
}
