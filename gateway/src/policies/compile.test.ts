import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { api, catalog, op, product, version } from "../gateway/test-catalog.ts";
import { silentLogger } from "../log.ts";
import { MemoryCounterStore } from "../counters/memory.ts";
import { compilePolicies } from "./compile.ts";
import { POLICY_DEFINITIONS } from "./index.ts";
import { policyDoc, startPolicyGateway, type PolicyGateway } from "./testing.ts";
import type { PolicyEnv } from "./types.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const mark = (value: string) => ({ "set-header": { name: "X-Order", value, exists: "append" } });

function env(): PolicyEnv {
  return { counters: new MemoryCounterStore(), logger: silentLogger, now: Date.now, sleep: async () => {}, portalUrl: () => undefined, stats: { storeErrorsAllowed: 0, storeErrorsDenied: 0, expressionErrors: 0 }, shared: new Map() };
}

describe("scopes and base", () => {
  it("runs global → product → API → operation, each parent where its scope writes base (first when it does not)", async () => {
    gw = await startPolicyGateway({
      global: { inbound: [mark("global")] },
      product: { inbound: [mark("product-before"), "base", mark("product-after")] },
      api: { inbound: [mark("api-first"), "base"] },
      operations: { getItem: { inbound: [mark("operation")] } },
      open: {},
    });
    const order = async (path: string, key?: string | null) => (await gw!.call(path, { key })).json().headers["x-order"];
    expect(await order("/shop/items")).toBe("api-first, product-before, global, product-after");
    expect(await order("/shop/items/7")).toBe("api-first, product-before, global, product-after, operation");
    // Without a key the call belongs to the open product, which has no policies of its own.
    expect(await order("/shop/items", null)).toBe("api-first, global");
  });

  it("builds no pipeline where no scope has a policy, and one shared pipeline for operations with the same policies", () => {
    const ops = [op("get", "/a", "a"), op("get", "/b", "b"), op("get", "/c", "c")];
    const plain = api("plain", "/plain", [version("", "http://127.0.0.1:1", [op("get", "/x", "x")])]);
    const shop = api("shop", "/shop", [version("", "http://127.0.0.1:1", ops)], {
      policies: { api: policyDoc({ inbound: [mark("api")] }), operations: { c: policyDoc({ inbound: [mark("c")] }) } },
    });
    const compiled = compilePolicies(catalog([plain, shop], [product("gold", ["plain", "shop"])]), env(), POLICY_DEFINITIONS);
    expect(compiled.pipeline(plain.versions[0]!.operations[0]!, "gold")).toBeNull();
    expect(compiled.pipeline(plain.versions[0]!.operations[0]!, null)).toBeNull();
    const [a, b, c] = ops.map((o) => compiled.pipeline(o, "gold"));
    expect(a).not.toBeNull();
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(compiled.size).toBe(2);
  });

  it("refuses a policy in a section it cannot run in, naming where it is written", () => {
    const shop = api("shop", "/shop", [version("", "http://127.0.0.1:1", [op("get", "/a", "a")])]);
    const gold = product("gold", ["shop"], { policies: policyDoc({ outbound: [{ "rate-limit": { calls: 1, renewalPeriod: 1 } }] }, "content/products/gold.md") });
    expect(() => compilePolicies(catalog([shop], [gold]), env(), POLICY_DEFINITIONS)).toThrow(
      new ConfigError("content/products/gold.md:1:5: policy 'rate-limit' cannot run in outbound; it works in inbound"),
    );
  });
});

describe("on-error", () => {
  it("runs on a policy's failure with lastError, and can change the error answer", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [{ "check-header": { name: "X-Client", failedStatusCode: 403, failedMessage: "Send X-Client." } }],
        "on-error": [{ "set-header": { name: "X-Error", value: { expr: 'lastError.source + "/" + lastError.reason + ": " + lastError.message' } } }],
      },
    });
    const res = await gw.call("/shop/items");
    expect(res.status).toBe(403);
    expect(res.headers["x-error"]).toBe("check-header/HeaderNotFound: Send X-Client.");
    expect(res.json()).toEqual({ statusCode: 403, code: "FORBIDDEN", message: "Send X-Client.", requestId: res.headers["x-request-id"] });
    expect(gw.backend.hits).toBe(0);
  });

  it("can replace the error answer with return-response", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [{ "ip-filter": { action: "forbid", addresses: ["127.0.0.0/8", "::1"] } }],
        "on-error": [{ choose: { when: [{ condition: 'lastError.reason == "CallerIpNotAllowed"', policies: [{ "return-response": { status: 404, body: { message: "Nothing here." } } }] }] } }],
      },
    });
    const res = await gw.call("/shop/items");
    expect([res.status, res.text, res.headers["content-type"]]).toEqual([404, '{"message":"Nothing here."}', "application/json; charset=utf-8"]);
  });

  it("runs when the backend cannot be reached, with lastError.source forward-request", async () => {
    gw = await startPolicyGateway({
      api: {
        backend: [{ "set-backend-service": { url: "http://127.0.0.1:9" } }],
        "on-error": [{ "set-header": { name: "X-Error", value: { expr: 'lastError.source + "/" + lastError.reason' } } }],
      },
    });
    const res = await gw.call("/shop/items");
    expect(res.status).toBe(502);
    expect(res.headers["x-error"]).toBe("forward-request/BackendConnectionFailure");
    expect(res.json()).toMatchObject({ code: "BACKEND_UNREACHABLE", message: "The backend could not be reached." });
  });

  it("answers 500 with a hidden message when an expression fails on a call's data, and counts it", async () => {
    gw = await startPolicyGateway({
      api: {
        inbound: [{ "set-header": { name: "X-Channel", value: { expr: 'request.headers["x-channel"]' } } }],
        "on-error": [{ "set-header": { name: "X-Reason", value: { expr: "lastError.reason" } } }],
      },
    });
    const missing = await gw.call("/shop/items");
    expect(missing.status).toBe(500);
    expect(missing.headers["x-reason"]).toBe("ExpressionEvaluationFailure");
    expect(missing.json()).toEqual({ statusCode: 500, code: "INTERNAL", message: "A policy expression could not be evaluated for this call.", requestId: missing.headers["x-request-id"] });
    expect(gw.gateway.policyStats.expressionErrors).toBe(1);
    const present = await gw.call("/shop/items", { headers: { "X-Channel": "web" } });
    expect([present.status, present.json().headers["x-channel"]]).toEqual([200, "web"]);
  });
});

describe("outbound", () => {
  it("changes the answer's headers while its body streams", async () => {
    gw = await startPolicyGateway({ api: { outbound: [{ "set-header": { name: "X-Status", value: { expr: "string(response.status)" } } }, { "set-header": { name: "Content-Type", exists: "skip", value: "text/plain" } }] } });
    const res = await gw.call("/shop/items?q=1");
    expect(res.status).toBe(200);
    expect(res.headers["x-status"]).toBe("200");
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.json().url).toBe("/items?q=1");
  });

  it("reads the whole answer when a policy needs its body, and sends it with a fresh length", async () => {
    gw = await startPolicyGateway({ api: { outbound: [{ "json-to-xml": {} }] } });
    const res = await gw.call("/shop/items");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(res.text)));
    expect(res.text.startsWith('<?xml version="1.0" encoding="UTF-8"?><document><method>GET</method><url>/items</url>')).toBe(true);
    // The backend was asked for an uncompressed answer.
    expect(gw.backend.requests[0]!.headers["accept-encoding"]).toBeUndefined();
  });
});
