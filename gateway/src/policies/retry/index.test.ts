import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Fails `failures` times with `status`, then answers 200 with the attempt number. */
function flaky(failures: number, status = 503) {
  let attempt = 0;
  return (_req: unknown, res: import("node:http").ServerResponse) => {
    attempt++;
    res.writeHead(attempt <= failures ? status : 200, { "content-type": "text/plain" });
    res.end(`attempt ${attempt}`);
  };
}

describe("retry", () => {
  it("retries 5xx answers up to count times, waiting interval in between, and passes on the first success", async () => {
    gw = await startPolicyGateway({ backend: flaky(2), api: { backend: [{ retry: { count: 3, interval: 0.5 } }] } });
    const res = await gw.call("/shop/items");
    expect([res.status, res.text]).toEqual([200, "attempt 3"]);
    expect(gw.backend.hits).toBe(3);
    expect(gw.sleeps).toEqual([500, 500]);
  });

  it("gives up after count retries with the last answer", async () => {
    gw = await startPolicyGateway({ backend: flaky(10, 500), api: { backend: [{ retry: { count: 2, interval: 1, delta: 1, firstFastRetry: true } }] } });
    const res = await gw.call("/shop/items");
    expect([res.status, res.text, gw.backend.hits]).toEqual([500, "attempt 3", 3]);
    expect(gw.sleeps).toEqual([2_000]);
  });

  it("retries only what the condition names, and replays the request body", async () => {
    const bodies: string[] = [];
    gw = await startPolicyGateway({
      backend: (req, res) => {
        bodies.push(req.body);
        res.writeHead(bodies.length === 1 ? 429 : 201);
        res.end();
      },
      api: { backend: [{ retry: { count: 1, interval: 0, condition: "response.status == 429" } }] },
    });
    const res = await gw.call("/shop/items", { method: "POST", body: '{"n":1}', headers: { "content-type": "application/json" } });
    expect([res.status, bodies]).toEqual([201, ['{"n":1}', '{"n":1}']]);
    expect(gw.sleeps).toEqual([]);
  });

  it("retries a backend that cannot be reached, then fails through on-error", async () => {
    gw = await startPolicyGateway({ api: { backend: [{ "set-backend-service": { url: "http://127.0.0.1:9" } }, { retry: { count: 2, interval: 0.1, maxInterval: 0.1, delta: 5 } }] } });
    const res = await gw.call("/shop/items");
    expect(res.json()).toMatchObject({ statusCode: 502, code: "BACKEND_UNREACHABLE" });
    expect(gw.sleeps).toEqual([100, 100]);
  });

  it("works when the answer is read whole for outbound body policies", async () => {
    gw = await startPolicyGateway({ backend: flaky(1), api: { backend: [{ retry: { count: 1, interval: 0 } }], outbound: [{ "xml-to-json": { apply: "always" } }] } });
    const res = await gw.call("/shop/items");
    expect([res.status, res.text]).toEqual([200, "attempt 2"]);
  });
});
