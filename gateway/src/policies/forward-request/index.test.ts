import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe("forward-request", () => {
  it("gives the backend `timeout` seconds, then answers 504 BACKEND_TIMEOUT through on-error", async () => {
    gw = await startPolicyGateway({
      backend: (req, res) => {
        if (req.url === "/items?slow") setTimeout(() => res.end("late"), 1_000);
        else res.end("fast");
      },
      api: { backend: [{ "forward-request": { timeout: 0.2 } }], "on-error": [{ "set-header": { name: "X-Error", value: { expr: "lastError.reason" } } }] },
    });
    const slow = await gw.call("/shop/items?slow");
    expect(slow.status).toBe(504);
    expect(slow.headers["x-error"]).toBe("BackendTimeout");
    expect(slow.json()).toMatchObject({ statusCode: 504, code: "BACKEND_TIMEOUT", message: "The backend did not answer in time." });
    expect((await gw.call("/shop/items")).text).toBe("fast");
  });

  it("turns 4xx/5xx answers into failures with failOnErrorStatus", async () => {
    gw = await startPolicyGateway({
      backend: (_req, res) => {
        res.writeHead(503, { "content-type": "text/plain" });
        res.end("backend detail that must not leak");
      },
      api: { backend: [{ "forward-request": { failOnErrorStatus: true } }], "on-error": [{ "set-header": { name: "X-Error", value: { expr: "lastError.reason" } } }] },
    });
    const res = await gw.call("/shop/items");
    expect(res.status).toBe(502);
    expect(res.headers["x-error"]).toBe("BackendErrorStatus");
    expect(res.json()).toEqual({ statusCode: 502, code: "BACKEND_ERROR", message: "The backend answered with status 503.", requestId: res.headers["x-request-id"] });
  });
});
