import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./harness.ts";

const exec = promisify(execFile);

async function portico(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.join(ROOT, "gateway/src/cli.ts"), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("portico CLI", () => {
  it("describes its commands with --help and each command's options", async () => {
    const help = await portico(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["validate", "build", "serve", "dev", "demo"]) expect(help.stdout).toContain(`  ${command} `);
    for (const command of ["validate", "build", "serve", "dev", "demo"]) {
      const sub = await portico([command, "--help"]);
      expect([command, sub.code]).toEqual([command, 0]);
      expect(sub.stdout).toMatch(new RegExp(`^Usage: portico ${command}`));
    }
    expect((await portico(["serve", "--help"])).stdout).toContain("--role ROLE");
  });

  it("refuses an unknown command or option with exit code 2", async () => {
    const unknown = await portico(["deploy"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "deploy"');
    const badOption = await portico(["validate", "--colour"]);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("--colour");
  });
});

describe("portico validate on the demo content", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portico-validate-"));
    await cp(path.join(ROOT, "content"), path.join(dir, "content"), { recursive: true });
    await cp(path.join(ROOT, "themes"), path.join(dir, "themes"), { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 on the shipped content", async () => {
    const result = await portico(["validate", "content"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/content is valid: 3 APIs, 4 products, \d+ docs pages/);
  });

  it("exits 1 naming content/products/basic.md:<line>:<column> and the key when its frontmatter has an unknown key", async () => {
    const file = path.join(dir, "content/products/basic.md");
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace("approvalRequired: false\n", "approvalRequired: false\nsubscriptionLimit: 3\n"));
    const result = await portico(["validate", "content"], dir);
    expect(result.code).toBe(1);
    const line = original.split("\n").findIndex((l) => l === "approvalRequired: false") + 2;
    expect(result.stdout).toContain(`content/products/basic.md:${line}:1:`);
    expect(result.stdout).toMatch(/subscriptionLimit/);
    expect(result.stdout).toMatch(/did you mean .subscriptionsLimit./);
    await writeFile(file, original);
  });
});
