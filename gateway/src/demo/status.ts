/**
 * The DroneFly Status API: `GET /health`, and `/echo`, which answers any
 * method with the request exactly as this backend received it.
 *
 * Echo reads the raw Node request (`c.env.incoming`): the request target as
 * it appeared on the request line (nothing decoded or normalised), the
 * headers from `rawHeaders` (original casing, order and repeats kept), and
 * the body's length and SHA-256, with the body itself when it is text or
 * JSON under 64 KB. The gateway's tests use it to see what was forwarded.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import type { DemoContext, DemoEnv } from "./http.ts";
import { methodNotAllowed } from "./http.ts";

/** Bodies up to this size are returned as text when their type is textual. */
export const ECHO_BODY_LIMIT = 64 * 1024;

export const DEMO_VERSION = "1.4.0";

export interface EchoResult {
  method: string;
  /** The request target exactly as sent: path and query, undecoded. */
  url: string;
  /** The path part of `url`, undecoded. */
  path: string;
  query: {
    /** Everything after the first `?`, undecoded; "" when there is none. */
    raw: string;
    /** Parsed as `application/x-www-form-urlencoded`; repeated names keep every value. */
    params: Record<string, string[]>;
  };
  httpVersion: string;
  /** Every header line in the order received, names in their original case. */
  rawHeaders: Array<[string, string]>;
  /** The same headers by lower-case name; repeated headers keep every value. */
  headers: Record<string, string[]>;
  remoteAddress: string | null;
  body: {
    length: number;
    sha256: string;
    /** The body as UTF-8 text when textual and at most 64 KB, else null. */
    text: string | null;
  };
}

export function statusRoutes(options: { now: () => Date; startedAt: Date }): Hono<DemoEnv> {
  const app = new Hono<DemoEnv>();

  app.get("/health", function health(c) {
    const now = options.now();
    return c.json({
      status: "ok",
      service: "dronefly-demo",
      version: DEMO_VERSION,
      time: now.toISOString(),
      uptimeSeconds: Math.max(0, Math.floor((now.getTime() - options.startedAt.getTime()) / 1000)),
    });
  });
  app.all("/health", methodNotAllowed(["GET", "HEAD"]));

  app.all("/echo", echo);
  app.all("/echo/*", echo);
  return app;
}

async function echo(c: DemoContext): Promise<Response> {
  const result = await describeRequest(c);
  c.header("Cache-Control", "no-store");
  return c.json(result);
}

export async function describeRequest(c: DemoContext): Promise<EchoResult> {
  const incoming = c.env?.incoming;
  const url = incoming?.url ?? pathAndQueryOf(c.req.url);
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? "" : url.slice(q + 1);

  const params: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) (params[name] ??= []).push(value);

  const rawHeaders: Array<[string, string]> = [];
  if (incoming) {
    for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
      rawHeaders.push([incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!]);
    }
  } else {
    c.req.raw.headers.forEach((value, name) => rawHeaders.push([name, value]));
  }
  const headers: Record<string, string[]> = {};
  for (const [name, value] of rawHeaders) (headers[name.toLowerCase()] ??= []).push(value);

  const body = await readBody(c);
  const contentType = headers["content-type"]?.[0] ?? "";
  const textual = isTextual(contentType);
  return {
    method: incoming?.method ?? c.req.method,
    url,
    path,
    query: { raw: rawQuery, params },
    httpVersion: incoming?.httpVersion ?? "1.1",
    rawHeaders,
    headers,
    remoteAddress: incoming?.socket.remoteAddress ?? null,
    body: {
      length: body.length,
      sha256: body.sha256,
      text: textual && body.length <= ECHO_BODY_LIMIT ? Buffer.concat(body.head).toString("utf8") : null,
    },
  };
}

function pathAndQueryOf(href: string): string {
  const u = new URL(href);
  return u.pathname + u.search;
}

/** `text/*`, JSON and XML types, and form data, are returned as text. */
function isTextual(contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/x-www-form-urlencoded"
  );
}

/**
 * Streams the body through a hash, keeping at most the first 64 KB (+1 byte
 * to know it was longer). Reads the Node request directly, so a body sent
 * with GET or DELETE is seen too.
 */
async function readBody(c: DemoContext): Promise<{ length: number; sha256: string; head: Buffer[] }> {
  const hash = createHash("sha256");
  const head: Buffer[] = [];
  let length = 0;
  const keep = (chunk: Uint8Array) => {
    hash.update(chunk);
    if (length < ECHO_BODY_LIMIT + 1) head.push(Buffer.from(chunk));
    length += chunk.byteLength;
  };
  const incoming = c.env?.incoming;
  if (incoming) {
    if (!incoming.readableEnded) for await (const chunk of incoming) keep(chunk as Buffer);
  } else if (c.req.raw.body) {
    const reader = c.req.raw.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) keep(r.value);
  }
  return { length, sha256: hash.digest("hex"), head };
}
