/**
 * V8 flags the service runs with (set in package.json's start script and
 * bin/portico.js, which cannot import this; tests that spawn the service use
 * this list).
 *
 * --max-semi-space-size=16 (MiB): a young generation sized for the
 * gateway's allocation rate. Every call leaves some 20 KiB of short-lived
 * objects, so with 2 MiB (the earlier setting) a scavenge ran every ~100
 * calls and took about a third of the CPU time per call; with 16 MiB they
 * are about 8× rarer (test/bench/README.md, Findings). The 2 MiB setting
 * was there to bound memory while streaming large bodies: a socket buffer
 * dropped per relayed chunk is freed only by a collection, and a large
 * young generation rarely collects while a body streams. The gateway now
 * collects those buffers itself (gateway/buffer-reaper.ts), so a 100 MB
 * download stays under test/integration/gateway.streaming.test.ts's bound
 * with this size too.
 */
export const SERVICE_NODE_FLAGS = ["--max-semi-space-size=16"] as const;
