/**
 * V8 flags the service runs with (set in package.json's start script and
 * bin/portico.js, which cannot import this; tests that spawn the service use
 * this list).
 *
 * --max-semi-space-size=2 (MiB): a proxy allocates a socket buffer for every
 * chunk it relays and drops it at once. With V8's default young generation
 * (tens of MiB on a large machine) those dead buffers pile up until a
 * scavenge, so a 100 MB download raised the gateway's resident memory by
 * ~70 MB; with 2 MiB the scavenger frees them every few chunks and the rise
 * stays near 20 MB. Shorter scavenges also shorten the gateway's GC pauses.
 */
export const SERVICE_NODE_FLAGS = ["--max-semi-space-size=2"] as const;
