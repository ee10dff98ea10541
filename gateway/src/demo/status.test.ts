import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { EchoResult } from "./status.ts";
import { rawRequest, testClock, useBackend, withoutRequestId } from "./test-support.ts";

const clock = testClock("2026-03-14T09:30:00Z");
const backend = await useBackend({ now: clock.now });

describe("GET /status/health", () => {
  it("answers ok with the service's version and time", async () => {
    const res = await fetch(`${backend.base}/status/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      status: "ok",
      service: "dronefly-demo",
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      time: "2026-03-14T09:30:00.000Z",
      uptimeSeconds: 0,
    });
  });

  it("answers HEAD without a body", async () => {
    const res = await fetch(`${backend.base}/status/health`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("refuses other methods with 405 and Allow", async () => {
    const res = await fetch(`${backend.base}/status/health`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(withoutRequestId(await res.json())).toEqual({
      statusCode: 405,
      code: "METHOD_NOT_ALLOWED",
      message: "POST is not allowed here; use GET, HEAD.",
    });
  });
});

describe("/status/echo", () => {
  it("reports a GET's method, path and parsed query", async () => {
    const res = await fetch(`${backend.base}/status/echo?city=Oslo&tag=a&tag=b`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const echo = (await res.json()) as EchoResult;
    expect(echo).toMatchObject({
      method: "GET",
      url: "/status/echo?city=Oslo&tag=a&tag=b",
      path: "/status/echo",
      query: { raw: "city=Oslo&tag=a&tag=b", params: { city: ["Oslo"], tag: ["a", "b"] } },
      httpVersion: "1.1",
      remoteAddress: "127.0.0.1",
      body: { length: 0, sha256: createHash("sha256").digest("hex"), text: null },
    });
  });

  it("reports the request line and headers exactly as sent: casing, order, repeats, encoding", async () => {
    const res = await rawRequest(backend.port, [
      "GET /status/echo/caf%C3%A9%2Fmenu%20du%20jour?q=%41%2b+b&q=2&empty=&flag&sp%20ace=1 HTTP/1.1",
      `Host: 127.0.0.1:${backend.port}`,
      "X-OdD-CaSe: Mixed Value",
      "x-repeat: one",
      "X-Repeat: two",
      "X-Spaces: a  b   c",
      "Connection: close",
    ]);
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.body) as EchoResult;
    expect(echo.method).toBe("GET");
    expect(echo.url).toBe("/status/echo/caf%C3%A9%2Fmenu%20du%20jour?q=%41%2b+b&q=2&empty=&flag&sp%20ace=1");
    expect(echo.path).toBe("/status/echo/caf%C3%A9%2Fmenu%20du%20jour");
    expect(echo.query).toEqual({
      raw: "q=%41%2b+b&q=2&empty=&flag&sp%20ace=1",
      params: { q: ["A+ b", "2"], empty: [""], flag: [""], "sp ace": ["1"] },
    });
    expect(echo.rawHeaders).toEqual([
      ["Host", `127.0.0.1:${backend.port}`],
      ["X-OdD-CaSe", "Mixed Value"],
      ["x-repeat", "one"],
      ["X-Repeat", "two"],
      ["X-Spaces", "a  b   c"],
      ["Connection", "close"],
    ]);
    expect(echo.headers["x-odd-case"]).toEqual(["Mixed Value"]);
    expect(echo.headers["x-repeat"]).toEqual(["one", "two"]);
  });

  it("keeps an empty query distinct in url while raw is empty", async () => {
    const res = await rawRequest(backend.port, [
      "GET /status/echo? HTTP/1.1",
      `Host: 127.0.0.1:${backend.port}`,
      "Connection: close",
    ]);
    const echo = JSON.parse(res.body) as EchoResult;
    expect(echo).toMatchObject({ url: "/status/echo?", path: "/status/echo", query: { raw: "", params: {} } });
  });

  it.each(["POST", "PUT", "PATCH", "DELETE"])("echoes a %s with its JSON body", async (method) => {
    const payload = JSON.stringify({ drone: "DF-1001", note: "päckchen" });
    const res = await fetch(`${backend.base}/status/echo`, {
      method,
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: payload,
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as EchoResult;
    expect(echo.method).toBe(method);
    expect(echo.body).toEqual({
      length: Buffer.byteLength(payload),
      sha256: createHash("sha256").update(payload).digest("hex"),
      text: payload,
    });
  });

  it("sees a body sent with GET", async () => {
    const res = await rawRequest(
      backend.port,
      ["GET /status/echo HTTP/1.1", `Host: 127.0.0.1:${backend.port}`, "Content-Type: text/plain", "Content-Length: 5", "Connection: close"],
      "hello",
    );
    expect((JSON.parse(res.body) as EchoResult).body.text).toBe("hello");
  });

  it("reports only length and hash for a binary body", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const res = await fetch(`${backend.base}/status/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes,
    });
    const echo = (await res.json()) as EchoResult;
    expect(echo.body).toEqual({ length: 6, sha256: createHash("sha256").update(bytes).digest("hex"), text: null });
  });

  it("returns text up to 64 KB and only length and hash above", async () => {
    for (const [size, hasText] of [
      [64 * 1024, true],
      [64 * 1024 + 1, false],
      [3 * 1024 * 1024, false],
    ] as const) {
      const body = "x".repeat(size);
      const res = await fetch(`${backend.base}/status/echo`, { method: "PUT", headers: { "Content-Type": "text/plain" }, body });
      const echo = (await res.json()) as EchoResult;
      expect(echo.body.length).toBe(size);
      expect(echo.body.sha256).toBe(createHash("sha256").update(body).digest("hex"));
      expect(echo.body.text).toBe(hasText ? body : null);
    }
  });

  it("counts a chunked body exactly", async () => {
    const res = await rawRequest(
      backend.port,
      [
        "POST /status/echo HTTP/1.1",
        `Host: 127.0.0.1:${backend.port}`,
        "Content-Type: text/plain",
        "Transfer-Encoding: chunked",
        "Connection: close",
      ],
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    const echo = JSON.parse(res.body) as EchoResult;
    expect(echo.body).toMatchObject({ length: 11, text: "hello world" });
    expect(echo.headers["transfer-encoding"]).toEqual(["chunked"]);
  });
});

describe("unknown paths", () => {
  it("answer 404 in the error shape", async () => {
    const res = await fetch(`${backend.base}/status/nope`, { headers: { "X-Request-Id": "req-123" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      statusCode: 404,
      code: "NOT_FOUND",
      message: "Nothing is served at GET /status/nope by the DroneFly demo backend.",
      requestId: "req-123",
    });
  });
});
