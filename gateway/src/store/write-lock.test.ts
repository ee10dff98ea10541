import { rm } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./db.ts";
import { createGroup, listGroups } from "./groups.ts";
import { withTransaction } from "./outcome.ts";
import { tempDir } from "./test-helpers.ts";
import { WriteLock } from "./write-lock.ts";

let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("WriteLock", () => {
  it("grants the lock in arrival order, one holder at a time", async () => {
    const lock = new WriteLock(1000);
    const order: string[] = [];
    const task = (name: string, ms: number) =>
      lock.run(async () => {
        order.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name}:end`);
      });
    await Promise.all([task("a", 20), task("b", 1), task("c", 1)]);
    expect(order).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
  });

  it("a waiter that times out leaves the queue without blocking the next one", async () => {
    const lock = new WriteLock(20);
    const release = await lock.acquire();
    await expect(lock.acquire()).rejects.toThrow(/Timed out after 20 ms waiting for the database write lock/);
    release();
    const again = await lock.acquire();
    again();
    again(); // releasing twice is harmless
    await expect(lock.run(async () => "free")).resolves.toBe("free");
  });
});

describe("a file store", () => {
  it("keeps writing while a transaction is open, instead of freezing on the native lock", async () => {
    dir = await tempDir();
    store = await openStore({ dataDir: dir, busyTimeoutMs: 200 });
    const s = store;
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const slow = withTransaction(s, async (tx) => {
      await createGroup(tx, { id: "first", name: "First" });
      inside();
      await new Promise((r) => setTimeout(r, 300));
    });
    await opened;
    // Reads proceed beside the open transaction (WAL), seeing only committed rows.
    expect(await listGroups(s)).toEqual([]);
    // A write queues behind it, and succeeds after it, even though the wait
    // is longer than the native busy timeout.
    const result = await createGroup(s, { id: "second", name: "Second" });
    expect(result.ok).toBe(true);
    await slow;
    expect((await listGroups(s)).map((g) => g.id)).toEqual(["first", "second"]);
  });

  it("a write through the store from inside its own transaction fails clearly instead of hanging", async () => {
    dir = await tempDir();
    store = await openStore({ dataDir: dir, writeLockTimeoutMs: 100 });
    const s = store;
    const error = await withTransaction(s, async () => {
      await createGroup(s, { id: "wrong-handle", name: "x" });
    }).catch((e: unknown) => e);
    // drizzle wraps the driver's error; the reason is its cause.
    expect(((error as Error).cause as Error).message).toMatch(/waiting for the database write lock/);
    expect(await listGroups(s)).toEqual([]);
  });
});

describe("closing", () => {
  it("lets a write transaction in progress commit before closing, and is safe to call twice", async () => {
    dir = await tempDir();
    const s = await openStore({ dataDir: dir });
    let inside!: () => void;
    const opened = new Promise<void>((r) => (inside = r));
    const flush = withTransaction(s, async (tx) => {
      inside();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) await createGroup(tx, { id: `g${i}`, name: `G${i}` });
    });
    await opened;
    await Promise.all([s.close(), s.close()]);
    await flush;
    await expect(createGroup(s, { id: "late", name: "Late" })).rejects.toThrow();
    store = await openStore({ dataDir: dir });
    expect(await listGroups(store)).toHaveLength(5);
  });
});
