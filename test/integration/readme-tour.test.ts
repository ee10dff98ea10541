/**
 * The README's tour of the demo, run as written: its shell block is read
 * from README.md and executed by bash against the real service (the demo
 * portal built, every listener on a free port), and every `# →` line is
 * checked against what the commands before it printed. Only the two
 * addresses and the cookie jar's path are changed for the test.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPortal } from "../e2e/browser.ts";
import { DEMO_CONTENT, ROOT, type TestService } from "./harness.ts";

interface TourStep {
  commands: string[];
  expected: string[];
}

/** The first ```sh block under "## A tour of the demo", cut into steps that each end with `# →` lines. */
export function tourSteps(readme: string): TourStep[] {
  const section = readme.slice(readme.indexOf("## A tour of the demo"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no ```sh block under "## A tour of the demo"');
  const steps: TourStep[] = [];
  let current: TourStep = { commands: [], expected: [] };
  for (const line of block.split("\n")) {
    const expectation = /^# → (.*)$/.exec(line);
    if (expectation) {
      current.expected.push(expectation[1]!);
      continue;
    }
    if (current.expected.length > 0) {
      steps.push(current);
      current = { commands: [], expected: [] };
    }
    if (line.trim() !== "" && !line.startsWith("#")) current.commands.push(line);
  }
  if (current.commands.length > 0 || current.expected.length > 0) steps.push(current);
  return steps;
}

/** Whether `output` holds the expectation's parts, in order; `…` stands for anything. */
function matches(output: string, expected: string): boolean {
  let from = 0;
  for (const part of expected.split("…").map((p) => p.trim()).filter(Boolean)) {
    const at = output.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

function runBash(script: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ stdout, stderr, code }));
  });
}

let svc: TestService;
let work: string;
beforeAll(async () => {
  svc = await startPortal();
  work = await mkdtemp(path.join(tmpdir(), "portico-tour-"));
}, 180_000);
afterAll(async () => {
  await svc?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the README's tour", () => {
  it("is cut into steps, each with what to expect", async () => {
    const steps = tourSteps(await readFile(path.join(ROOT, "README.md"), "utf8"));
    expect(steps.length).toBeGreaterThanOrEqual(15);
    for (const step of steps) {
      expect(step.commands.length, JSON.stringify(step)).toBeGreaterThan(0);
      expect(step.expected.length, JSON.stringify(step)).toBeGreaterThan(0);
    }
  });

  it("behaves as written against the running demo", async () => {
    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    const steps = tourSteps(readme);
    const jar = path.join(work, "tour.cookies");
    const script = steps
      .map((step, i) => {
        const commands = step.commands
          .join("\n")
          .replace(/^PORTAL=http:\/\/localhost:4000$/m, `PORTAL=${svc.controlUrl}`)
          .replace(/^GATEWAY=http:\/\/localhost:8080$/m, `GATEWAY=${svc.gatewayUrl}`)
          .replaceAll("tour.cookies", jar);
        return `printf '\\n@@STEP ${i}\\n'\n${commands}`;
      })
      .join("\n");
    expect(script).toContain(`PORTAL=${svc.controlUrl}`);
    expect(script).toContain(`GATEWAY=${svc.gatewayUrl}`);

    const result = await runBash(script, {
      PATH: `${path.join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      PORTICO_DATA: svc.dataDir,
      PORTICO_CONTENT: DEMO_CONTENT,
    });
    const outputs = result.stdout.split(/\n@@STEP \d+\n/).slice(1);
    expect(outputs.length, result.stderr).toBe(steps.length);
    const failures: string[] = [];
    steps.forEach((step, i) => {
      for (const expected of step.expected) {
        if (!matches(outputs[i]!, expected)) {
          failures.push(`step ${i}: ${step.commands.join(" ").slice(0, 120)}\n  expected: ${expected}\n  printed:  ${outputs[i]!.trim().slice(0, 400)}`);
        }
      }
    });
    expect(failures, result.stderr.slice(-2000)).toEqual([]);
  }, 120_000);
});
