import { afterEach, describe, expect, it } from "vitest";
import { policyOptionSchemas } from "../schemas.ts";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";
import { portalOrigins } from "./index.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const preflight = (origin: string, method = "GET", headers = "ocp-apim-subscription-key, content-type") => ({
  method: "OPTIONS",
  key: null,
  headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
});

describe("cors", () => {
  it("answers a preflight from an allowed origin itself: no key, no backend call", async () => {
    gw = await startPolicyGateway({ global: { inbound: [{ cors: { allowedOrigins: ["https://app.example.com"], maxAge: 300 } }] } });
    const res = await gw.call("/shop/items", preflight("https://app.example.com", "POST"));
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers).toMatchObject({
      "access-control-allow-origin": "https://app.example.com",
      "access-control-allow-methods": "POST",
      "access-control-allow-headers": "ocp-apim-subscription-key, content-type",
      "access-control-max-age": "300",
      vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
    });
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(gw.backend.hits).toBe(0);
  });

  it("gives a foreign origin's preflight and calls no CORS headers", async () => {
    gw = await startPolicyGateway({ global: { inbound: [{ cors: { allowedOrigins: ["https://app.example.com"] } }] } });
    const pre = await gw.call("/shop/items", preflight("https://evil.example"));
    expect(pre.status).toBe(200);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
    const call = await gw.call("/shop/items", { headers: { origin: "https://evil.example" } });
    expect(call.status).toBe(200);
    expect(Object.keys(call.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
    expect(gw.backend.hits).toBe(1);
  });

  it("adds CORS headers to every answer for an allowed origin, the gateway's own errors included", async () => {
    gw = await startPolicyGateway({
      global: { inbound: [{ cors: { allowedOrigins: ["https://app.example.com"], exposeHeaders: ["Retry-After", "X-Request-Id"] } }] },
      product: { inbound: ["base", { "rate-limit": { calls: 1, renewalPeriod: 10 } }] },
    });
    const headers = { origin: "https://app.example.com" };
    const cors = { "access-control-allow-origin": "https://app.example.com", "access-control-expose-headers": "Retry-After, X-Request-Id" };
    const ok = await gw.call("/shop/items", { headers });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject(cors);
    expect(ok.headers.vary).toBe("Origin");
    const limited = await gw.call("/shop/items", { headers });
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject(cors);
    // Refused before any policy ran (a wrong key): still readable by the page.
    const badKey = await gw.call("/shop/items", { headers, key: "nope" });
    expect(badKey.status).toBe(401);
    expect(badKey.headers["access-control-allow-origin"]).toBe("https://app.example.com");
  });

  it("allows the portal's origin, known only at run time, under each loopback name", async () => {
    gw = await startPolicyGateway({ portalUrl: "http://localhost:4123", global: { inbound: [{ cors: { allowPortalOrigin: true } }] } });
    for (const origin of ["http://localhost:4123", "http://127.0.0.1:4123", "http://[::1]:4123"]) {
      expect((await gw.call("/shop/items", preflight(origin))).status).toBe(204);
    }
    expect((await gw.call("/shop/items", preflight("http://localhost:4124"))).status).toBe(200);
    expect([...portalOrigins("https://developers.example.com")]).toEqual(["https://developers.example.com"]);
  });

  it("answers * for any origin without credentials, and only for the listed methods and headers", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ cors: { allowedOrigins: ["*"], allowedMethods: ["GET"], allowedHeaders: ["X-A"] } }] } });
    const any = await gw.call("/shop/items", preflight("https://x.example", "GET", "x-a"));
    expect([any.status, any.headers["access-control-allow-origin"], any.headers["access-control-allow-methods"], any.headers["access-control-allow-headers"]]).toEqual([204, "*", "GET", "X-A"]);
    const otherMethod = await gw.call("/shop/items", preflight("https://x.example", "POST", "x-a"));
    const otherHeader = await gw.call("/shop/items", preflight("https://x.example", "GET", "x-b"));
    expect([otherMethod.status, otherMethod.headers["access-control-allow-origin"], otherHeader.status, otherHeader.headers["access-control-allow-origin"]]).toEqual([200, undefined, 200, undefined]);
    expect((await gw.call("/shop/items", { headers: { origin: "https://y.example" } })).headers["access-control-allow-origin"]).toBe("*");
  });

  it("refuses unmatched origins with 403 ORIGIN_REFUSED when terminateUnmatched is set", async () => {
    gw = await startPolicyGateway({ api: { inbound: [{ cors: { allowedOrigins: ["https://a.example"], allowCredentials: true, terminateUnmatched: true } }] } });
    const ok = await gw.call("/shop/items", { headers: { origin: "https://a.example" } });
    expect([ok.headers["access-control-allow-origin"], ok.headers["access-control-allow-credentials"]]).toEqual(["https://a.example", "true"]);
    const refused = await gw.call("/shop/items", { headers: { origin: "https://b.example" } });
    expect(refused.json()).toEqual({ statusCode: 403, code: "ORIGIN_REFUSED", message: "Calls from this origin are not allowed.", requestId: refused.headers["x-request-id"] });
    expect((await gw.call("/shop/items")).status).toBe(200);
  });

  it("refuses options that would be unsafe or allow nothing", () => {
    const issues = (o: unknown) => policyOptionSchemas.cors!.safeParse(o).error?.issues.map((i) => [i.path.join("."), i.message]);
    expect(issues({ allowedOrigins: ["*"], allowCredentials: true })).toEqual([
      ["allowCredentials", "cannot be true with '*' in allowedOrigins: any site could then act with the caller's credentials; list the origins"],
    ]);
    expect(issues({})).toEqual([["", "missing required key 'allowedOrigins' (or allowPortalOrigin: true): a cors policy must allow some origin"]]);
    expect(issues({ allowedOrigins: ["https://a.example/", "a.example"] })).toEqual([
      ["allowedOrigins.0", "must be an origin, scheme://host[:port] with no path or trailing '/': https://a.example"],
      ["allowedOrigins.1", "must be an origin such as https://app.example.com, or *"],
    ]);
  });
});
