import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../../gateway/src/policies/testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Sends raw bytes and resolves with what came back before the server closed. */
function raw(url: string, bytes: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let out = "";
    socket.on("data", (d) => (out += d.toString("latin1")));
    socket.on("close", () => resolve(out));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

describe("limits on the real clock", () => {
  it("refuses the 4th call of 3 per second with Retry-After: 1, and passes a call made a second later", async () => {
    gw = await startPolicyGateway({ realTime: true, product: { inbound: [{ "rate-limit": { calls: 3, renewalPeriod: 1 } }] } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await gw.call("/shop/items")).status);
    const refused = await gw.call("/shop/items");
    expect([...statuses, refused.status, refused.headers["retry-after"]]).toEqual([200, 200, 200, 429, "1"]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await gw.call("/shop/items")).status).toBe(200);
  });
});

describe("upgrades", () => {
  it("run inbound policies before the backend is asked: a refused upgrade gets the gateway's error with its headers", async () => {
    gw = await startPolicyGateway({ realTime: true, product: { inbound: [{ "rate-limit": { calls: 2, renewalPeriod: 60 } }] }, api: { inbound: [{ "check-header": { name: "X-Client", failedStatusCode: 403 } }] } });
    const upgrade = (headers: string) => raw(gw!.url, `GET /shop/items HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nOcp-Apim-Subscription-Key: key-a\r\n${headers}\r\n`);
    const forbidden = await upgrade("");
    expect(forbidden).toMatch(/^HTTP\/1\.1 403 Refused\r\n/);
    expect(JSON.parse(forbidden.slice(forbidden.indexOf("\r\n\r\n") + 4))).toMatchObject({ statusCode: 403, code: "FORBIDDEN" });
    // The product's limit counted the refused call too (it runs first); this one passes the header check and uses up the second, and the backend refuses the upgrade.
    expect(await upgrade("X-Client: 1\r\n")).toMatch(/^HTTP\/1\.1 502 /);
    const limited = await upgrade("X-Client: 1\r\n");
    expect(limited).toMatch(/^HTTP\/1\.1 429 Refused\r\n/);
    expect(limited).toMatch(/\r\nRetry-After: \d+\r\n/);
    // Only the upgrade that passed the policies reached the backend.
    expect(gw.backend.hits).toBe(1);
  });
});
