import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPortico, type TestService } from "./harness.ts";
import { bodyOf, call, rawHttp, subscribe, type TestSubscription } from "./helpers.ts";

let svc: TestService;
let basic: TestSubscription;
beforeAll(async () => {
  svc = await startPortico();
  basic = await subscribe(svc.context, "basic");
});
afterAll(async () => {
  await svc?.stop();
});

const port = () => Number(new URL(svc.gatewayUrl).port);

describe("gateway: security", () => {
  it("never forwards the key: not the header, not the query parameter", async () => {
    const res = await call(`${svc.gatewayUrl}/status/echo?x=1&subscription-key=${basic.secondaryKey}`, {
      headers: { "Ocp-Apim-Subscription-Key": basic.primaryKey },
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain(basic.primaryKey);
    expect(res.text).not.toContain(basic.secondaryKey);
    expect(res.json().url).toBe("/status/echo?x=1");
  });

  it("removes the portal's cookies and keeps the API's own", async () => {
    const res = await call(`${svc.gatewayUrl}/status/echo`, {
      headers: { Cookie: "portico_session=s3cr3t; theme=dark; __Host-portico_csrf=abc" },
    });
    expect(res.text).not.toContain("s3cr3t");
    expect(res.json().headers.cookie).toEqual(["theme=dark"]);
    const onlyPortal = await call(`${svc.gatewayUrl}/status/echo`, { headers: { Cookie: "portico_session=s3cr3t" } });
    expect(onlyPortal.json().headers.cookie).toBeUndefined();
  });

  it("refuses a key of one product on another product's API", async () => {
    const res = await call(`${svc.gatewayUrl}/fleet/drones`, { headers: { "Ocp-Apim-Subscription-Key": basic.primaryKey } });
    expect(res.status).toBe(401);
    expect(res.json().code).toBe("INVALID_SUBSCRIPTION_KEY");
  });

  it("checks a key sent to an API that needs none", async () => {
    const bad = await call(`${svc.gatewayUrl}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": "dfly_forged" } });
    expect(bad.status).toBe(401);
    const partner = await subscribe(svc.context, "partner");
    const wrongProduct = await call(`${svc.gatewayUrl}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": partner.primaryKey } });
    expect(wrongProduct.status).toBe(401);
    const good = await call(`${svc.gatewayUrl}/status/health`, { headers: { "Ocp-Apim-Subscription-Key": basic.primaryKey } });
    expect(good.status).toBe(200);
  });

  it("ignores a spoofed X-Forwarded-For from an untrusted peer", async () => {
    const res = await call(`${svc.gatewayUrl}/status/echo`, {
      headers: { "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" },
    });
    const headers = res.json().headers;
    expect(headers["x-forwarded-for"]).toEqual(["127.0.0.1"]);
    expect(headers["x-forwarded-host"]).toEqual([new URL(svc.gatewayUrl).host]);
    expect(headers["x-forwarded-proto"]).toEqual(["http"]);
  });

  it.each([
    "/status/../status/health",
    "/status/%2e%2e/fleet/drones",
    "/status/echo/..%2f..%2fadmin",
    "/weather/v1/%2E%2E/%2E%2E/fleet/drones",
    "/status/.%2e/x",
  ])("refuses traversal: %s", async (path) => {
    const raw = await rawHttp(port(), `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(raw.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(JSON.parse(bodyOf(raw)).code).toBe("MALFORMED_URL");
  });

  it("refuses an absolute-form request target (no proxying to arbitrary hosts)", async () => {
    const raw = await rawHttp(port(), "GET http://127.0.0.1:1/status/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(raw.startsWith("HTTP/1.1 400 ")).toBe(true);
  });

  it("does not let a key leak into error answers or a 404", async () => {
    const res = await call(`${svc.gatewayUrl}/nope?subscription-key=${basic.primaryKey}`);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(basic.primaryKey);
  });
});

describe("gateway: trusted proxies", () => {
  let behindProxy: TestService;
  beforeAll(async () => {
    behindProxy = await startPortico({ env: { PORTICO_TRUSTED_PROXIES: "127.0.0.1/32,::1" } });
  });
  afterAll(async () => {
    await behindProxy?.stop();
  });

  it("appends to X-Forwarded-For and keeps Host/Proto from a trusted proxy", async () => {
    const res = await call(`${behindProxy.gatewayUrl}/status/echo`, {
      headers: { "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Host": "api.example.com", "X-Forwarded-Proto": "https" },
    });
    const headers = res.json().headers;
    expect(headers["x-forwarded-for"]).toEqual(["203.0.113.9, 127.0.0.1"]);
    expect(headers["x-forwarded-host"]).toEqual(["api.example.com"]);
    expect(headers["x-forwarded-proto"]).toEqual(["https"]);
  });
});
