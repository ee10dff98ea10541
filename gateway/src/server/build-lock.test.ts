import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireBuildLock } from "./build-lock.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portico-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the build lock", () => {
  it("makes a second build wait until the first releases, and says so once", async () => {
    const dist = path.join(dir, "dist");
    const first = await acquireBuildLock(dist, () => {});
    expect(await readFile(`${dist}.build-lock`, "utf8")).toBe(String(process.pid));
    const said: string[] = [];
    let secondHeld = false;
    const second = acquireBuildLock(dist, (line) => said.push(line), 10).then((lock) => {
      secondHeld = true;
      return lock;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(secondHeld).toBe(false);
    expect(said).toEqual([`waiting for another build into dist (process ${process.pid}) to finish…`]);
    await first.release();
    const lock = await second;
    expect(secondHeld).toBe(true);
    await lock.release();
    await expect(readFile(`${dist}.build-lock`, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("takes over the lock of a builder that died", async () => {
    const dist = path.join(dir, "dist");
    // A pid that existed and is gone: a child that has exited.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(`${dist}.build-lock`, String(dead));
    const said: string[] = [];
    const lock = await acquireBuildLock(dist, (line) => said.push(line), 10);
    expect(said).toEqual([]);
    expect(await readFile(`${dist}.build-lock`, "utf8")).toBe(String(process.pid));
    await lock.release();
  });
});
