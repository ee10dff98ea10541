/**
 * Helpers for the demo backend's tests: a backend on a free loopback port,
 * a settable clock, and a raw HTTP/1.1 client that sends bytes exactly as
 * written (no header normalisation, no URL encoding).
 */
import { connect } from "node:net";
import { afterAll } from "vitest";
import { type DemoBackend, startDemoBackend } from "./backend.ts";

export interface TestClock {
  now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function testClock(iso: string): TestClock {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    set: (next) => {
      t = Date.parse(next);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Starts a backend for the current test file and closes it after the file's tests. */
export async function useBackend(options: { now?: () => Date } = {}): Promise<DemoBackend & { base: string }> {
  const backend = await startDemoBackend({ port: 0, host: "127.0.0.1", now: options.now });
  afterAll(() => backend.close());
  return { ...backend, base: `http://127.0.0.1:${backend.port}` };
}

export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` (lines joined with CRLF, blank line added) and `body` as written, with Connection: close. */
export function rawRequest(port: number, head: string[], body: Buffer | string = ""): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (err) {
        reject(err);
      }
    });
    socket.write(head.join("\r\n") + "\r\n\r\n");
    socket.end(body);
  });
}

function parseResponse(bytes: Buffer): RawResponse {
  const split = bytes.indexOf("\r\n\r\n");
  if (split === -1) throw new Error(`incomplete HTTP response: ${bytes.toString("latin1")}`);
  const [statusLine, ...lines] = bytes.subarray(0, split).toString("latin1").split("\r\n");
  const status = Number(statusLine!.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(split + 4);
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") body = dechunk(body);
  return { status, headers, body: body.toString("utf8") };
}

function dechunk(bytes: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = bytes.indexOf("\r\n", at);
    const size = parseInt(bytes.subarray(at, eol).toString("latin1"), 16);
    if (!size) return Buffer.concat(out);
    out.push(bytes.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** An error body without its `requestId`, which is random for direct calls. */
export function withoutRequestId(body: unknown): unknown {
  const { requestId, ...rest } = body as { requestId?: unknown };
  if (typeof requestId !== "string" || requestId.length === 0) throw new Error("the error body has no requestId");
  return rest;
}
