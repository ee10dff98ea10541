/**
 * Browser tests' harness: Debian's Chromium driven by playwright-core (a
 * download of Playwright's own browser is impossible here), the demo portal
 * built once per content change into a cache folder, and the service
 * started in-process on free ports serving it.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { readConfig } from "../../gateway/src/config.ts";
import { buildPortal } from "../../gateway/src/server/portal-build.ts";
import { DEMO_CONTENT, ROOT, startPortico, type StartOptions, type TestService } from "../integration/harness.ts";

export const CHROMIUM = process.env.PORTICO_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.join(ROOT, "test-results", "screenshots");

/** Where the demo portal is built for browser tests; rebuilt only when its inputs change. */
export const E2E_DIST = process.env.PORTICO_E2E_DIST ?? path.join(tmpdir(), "portico-e2e-dist");

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run "apt-get install -y chromium" (.ci/run does this), or set PORTICO_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"],
  });
}

/** Builds the demo portal into `dist` unless the build there is current. */
export async function buildDemoPortal(dist = E2E_DIST, env: Record<string, string> = {}): Promise<string> {
  const config = readConfig({ ...process.env, PORTICO_CONTENT: DEMO_CONTENT, PORTICO_DIST: dist, ...env }, ROOT);
  const lines: string[] = [];
  const result = await buildPortal(config, { force: false, log: (line) => lines.push(line) });
  if (!result.ok) throw new Error(`portal build failed:\n${lines.join("\n")}`);
  return dist;
}

/** The service in this process, serving the built demo portal. */
export async function startPortal(options: StartOptions = {}): Promise<TestService> {
  const dist = await buildDemoPortal();
  return startPortico({ ...options, env: { PORTICO_DIST: dist, ...options.env } });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * Serious and critical axe-core violations on the page as it is now, as
 * "rule: target" lines (WCAG 2.2 AA is the bar: these are what fail it).
 * `exclude` lists selectors of parts not to check.
 */
export async function seriousViolations(page: Page, exclude: string[] = []): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const result = await page.evaluate(async (excluded) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run({ include: [["body"]], exclude: excluded.map((s) => [s]) }, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, exclude);
  return result.filter((v) => v.impact === "serious" || v.impact === "critical").flatMap((v) => v.targets.map((t) => `${v.id}: ${t}`));
}
