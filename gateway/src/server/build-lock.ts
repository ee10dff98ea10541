/**
 * One portal build at a time per output folder. Two builds into the same
 * folder (`portico dev` saving while `portico build` runs, or parallel test
 * workers sharing a cached build) would interleave Astro's writes and leave
 * a portal that is neither; the second one waits instead, and then finds the
 * first one's build current and skips its own.
 *
 * The lock is a file created exclusively beside the folder, holding the
 * owner's pid; a lock whose process is gone (a build killed mid-way) is
 * taken over.
 */
import { open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface BuildLock {
  release(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock of `distDir`, waiting (and saying so once) while another live process holds it. */
export async function acquireBuildLock(distDir: string, log: (line: string) => void, pollMs = 250): Promise<BuildLock> {
  const file = `${path.resolve(distDir)}.build-lock`;
  let said = false;
  for (;;) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && !isAlive(owner)) {
      // Its builder died; the half-written output is rebuilt by whoever takes the lock.
      await rm(file, { force: true });
      continue;
    }
    if (!said) {
      log(`waiting for another build into ${path.basename(distDir)} (process ${Number.isInteger(owner) ? owner : "?"}) to finish…`);
      said = true;
    }
    await sleep(pollMs);
  }
}
