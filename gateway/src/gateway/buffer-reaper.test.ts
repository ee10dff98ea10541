import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { createBufferReaper, isLargeBody, LARGE_BODY_BYTES } from "./buffer-reaper.ts";

const MB = 1024 * 1024;

describe("buffer reaper", () => {
  it("watches bodies of unknown size and from LARGE_BODY_BYTES on", () => {
    expect(isLargeBody(undefined)).toBe(true);
    expect(isLargeBody(String(LARGE_BODY_BYTES))).toBe(true);
    expect(isLargeBody(String(LARGE_BODY_BYTES - 1))).toBe(false);
    expect(isLargeBody("84")).toBe(false);
    expect(isLargeBody("not a number")).toBe(true);
  });

  it("collects dead buffers once external memory grows past the threshold, and only while a large body is in flight", async () => {
    const reaper = createBufferReaper({ thresholdBytes: 8 * MB, intervalMs: 5 });
    // No large body: nothing watched, whatever is allocated.
    for (let i = 0; i < 256; i++) new Uint8Array(64 * 1024).fill(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(reaper.collections).toBe(0);

    reaper.opened();
    const before = getHeapStatistics().external_memory;
    // 32 MB of socket-sized buffers, dropped at once, as a proxy relays a body.
    for (let i = 0; i < 512; i++) new Uint8Array(64 * 1024).fill(1);
    for (let i = 0; i < 20 && reaper.collections === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(reaper.collections).toBeGreaterThan(0);
    // V8 releases swept buffers from a background task: give it a moment.
    for (let i = 0; i < 50 && getHeapStatistics().external_memory - before >= 24 * MB; i++) await new Promise((r) => setTimeout(r, 10));
    expect(getHeapStatistics().external_memory - before).toBeLessThan(24 * MB);

    reaper.closed();
    const seen = reaper.collections;
    for (let i = 0; i < 512; i++) new Uint8Array(64 * 1024).fill(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(reaper.collections).toBe(seen);
  });
});
