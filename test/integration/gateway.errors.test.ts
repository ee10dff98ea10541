import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../../gateway/src/gateway/gateway.ts";
import { hmacKeyHasher, KeyCache } from "../../gateway/src/gateway/key-cache.ts";
import { createGatewayServer } from "../../gateway/src/gateway/listener.ts";
import { api, catalog, op, product, version } from "../../gateway/src/gateway/test-catalog.ts";
import { silentLogger } from "../../gateway/src/log.ts";
import { listen } from "../../gateway/src/server/http.ts";
import type { CallRecord } from "../../gateway/src/usage/event.ts";
import { startPortico, type TestService } from "./harness.ts";
import { bodyOf, call, rawHttp, subscribe } from "./helpers.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico({ gatewayLimits: { headersTimeoutMs: 1_000, maxHeaderBytes: 8 * 1024 } });
});
afterAll(async () => {
  await svc?.stop();
});

const port = () => Number(new URL(svc.gatewayUrl).port);

describe("gateway: error answers", () => {
  it("answers a missing key with APIM's 401 body and a stable code", async () => {
    const res = await call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`);
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.json()).toEqual({
      statusCode: 401,
      code: "MISSING_SUBSCRIPTION_KEY",
      message: "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
      requestId: res.headers["x-request-id"],
    });
  });

  it("answers an unknown key with APIM's 401 body", async () => {
    const res = await call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`, { headers: { "Ocp-Apim-Subscription-Key": "dfly_notakey" } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({
      statusCode: 401,
      code: "INVALID_SUBSCRIPTION_KEY",
      message: "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
    });
  });

  it("refuses the key of a subscription that is not active", async () => {
    const pending = await subscribe(svc.context, "premium", "submitted");
    const res = await call(`${svc.gatewayUrl}/weather/v1/forecast?city=Oslo`, { headers: { "Ocp-Apim-Subscription-Key": pending.primaryKey } });
    expect(res.status).toBe(401);
    expect(res.json().code).toBe("INVALID_SUBSCRIPTION_KEY");
  });

  it("answers 404 for an unknown API, version or operation", async () => {
    const cases: Array<[string, string, string]> = [
      ["GET", "/nope", "API_NOT_FOUND"],
      ["GET", "/weather/v9/forecast", "API_NOT_FOUND"],
      ["GET", "/weather/v1/nothing", "OPERATION_NOT_FOUND"],
      ["DELETE", "/status/health", "OPERATION_NOT_FOUND"],
    ];
    for (const [method, path, code] of cases) {
      const res = await call(svc.gatewayUrl + path, { method });
      expect([path, res.status, res.json().code]).toEqual([path, 404, code]);
    }
  });

  it("answers 400 for a malformed path", async () => {
    const res = await call(`${svc.gatewayUrl}/status/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(res.json().code).toBe("MALFORMED_URL");
  });

  it("answers 431 with a JSON body when the headers are too large", async () => {
    const raw = await rawHttp(port(), `GET /status/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(10_000)}\r\n\r\n`);
    expect(raw.startsWith("HTTP/1.1 431 ")).toBe(true);
    expect(JSON.parse(bodyOf(raw))).toMatchObject({ statusCode: 431, code: "HEADERS_TOO_LARGE" });
  });

  it("refuses a request with both Content-Length and Transfer-Encoding", async () => {
    const raw = await rawHttp(
      port(),
      "POST /status/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /status/health HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    expect(raw.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(JSON.parse(bodyOf(raw))).toMatchObject({ statusCode: 400, code: "AMBIGUOUS_LENGTH" });
    // The smuggled second request never reaches the backend.
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it("answers 400 to something that is not HTTP", async () => {
    const raw = await rawHttp(port(), "HELLO\r\n\r\n");
    expect(raw.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(JSON.parse(bodyOf(raw)).code).toBe("BAD_REQUEST");
  });

  it("times out a client that sends its headers too slowly", async () => {
    const started = Date.now();
    const raw = await rawHttp(port(), "GET /status/health HTTP/1.1\r\nHost: x\r\n", { waitMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(raw.startsWith("HTTP/1.1 408 ")).toBe(true);
    expect(JSON.parse(bodyOf(raw)).code).toBe("REQUEST_TIMEOUT");
  });
});

describe("gateway: backend failures", () => {
  let slow: Server;
  let slowPort: number;
  let gatewayPort: number;
  let closeGateway: () => Promise<void>;
  const calls: CallRecord[] = [];

  beforeAll(async () => {
    slow = createServer((req, res) => {
      if (req.url?.startsWith("/slow")) setTimeout(() => res.end("late"), 2_000);
      else res.end("ok");
    });
    slowPort = await listen(slow, 0, "127.0.0.1");
    const keys = new KeyCache(hmacKeyHasher("k"));
    const gw = createGateway({ logger: silentLogger, keys, usage: { record: (c) => calls.push(c) }, trustedProxies: [], backendTimeoutMs: 300 });
    gw.configure(
      catalog(
        [
          api("slow", "/slow-api", [version("", `http://127.0.0.1:${slowPort}`, [op("get", "/slow"), op("get", "/fast")])], { subscription: { required: false, header: "k", query: "k" } }),
          api("down", "/down", [version("", "http://127.0.0.1:1", [op("get", "/x")])], { subscription: { required: false, header: "k", query: "k" } }),
        ],
        [product("open", ["slow", "down"], { subscriptionRequired: false })],
      ),
    );
    const server = createGatewayServer(gw, silentLogger);
    gatewayPort = await listen(server, 0, "127.0.0.1");
    closeGateway = async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await gw.close();
    };
  });
  afterAll(async () => {
    await closeGateway?.();
    slow?.closeAllConnections();
    slow?.close();
  });

  it("answers 504 with the request id when the backend is too slow", async () => {
    const res = await call(`http://127.0.0.1:${gatewayPort}/slow-api/slow`, { headers: { "X-Request-Id": "slow-1" } });
    expect(res.status).toBe(504);
    expect(res.json()).toEqual({ statusCode: 504, code: "BACKEND_TIMEOUT", message: "The backend did not answer in time.", requestId: "slow-1" });
  });

  it("answers 502 with the request id when the backend cannot be reached", async () => {
    const res = await call(`http://127.0.0.1:${gatewayPort}/down/x`, { headers: { "X-Request-Id": "down-1" } });
    expect(res.status).toBe(502);
    expect(res.json()).toEqual({ statusCode: 502, code: "BACKEND_UNREACHABLE", message: "The backend could not be reached.", requestId: "down-1" });
  });

  it("records backend failures as failed calls", async () => {
    await call(`http://127.0.0.1:${gatewayPort}/slow-api/fast`);
    await new Promise((r) => setTimeout(r, 50));
    const byId = (id: string) => calls.find((c) => c.requestId === id);
    expect(byId("slow-1")).toMatchObject({ status: 504, outcome: "failed", apiId: "slow" });
    expect(byId("down-1")).toMatchObject({ status: 502, outcome: "failed", apiId: "down" });
    expect(calls.at(-1)).toMatchObject({ status: 200, outcome: "success" });
  });
});
