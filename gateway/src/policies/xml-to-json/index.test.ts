import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

// The round trip with json-to-xml is tested in json-to-xml/index.test.ts.
describe("xml-to-json", () => {
  it("converts an XML answer to JSON: root as key, attributes as @keys, repeated elements as lists, numbers as numbers", async () => {
    gw = await startPolicyGateway({
      backend: (_req, res) => {
        res.writeHead(200, { "content-type": "application/soap+xml" });
        res.end('<?xml version="1.0"?><forecast city="Oslo"><day n="1"><temp>3.5</temp></day><day n="2"><temp>-1</temp></day><summary>Cold &amp; clear</summary></forecast>');
      },
      api: { outbound: [{ "xml-to-json": {} }] },
    });
    const res = await gw.call("/shop/items");
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.json()).toEqual({ forecast: { "@city": "Oslo", day: [{ "@n": "1", temp: 3.5 }, { "@n": "2", temp: -1 }], summary: "Cold & clear" } });
  });

  it("converts a request body for the backend and leaves other content types alone", async () => {
    gw = await startPolicyGateway({ operations: { createItem: { inbound: [{ "xml-to-json": {} }] } } });
    await gw.call("/shop/items", { method: "POST", headers: { "content-type": "text/xml; charset=utf-8" }, body: "<a><b>1</b></a>" });
    await gw.call("/shop/items", { method: "POST", headers: { "content-type": "text/plain" }, body: "<a/>" });
    expect(gw.backend.requests.map((r) => [r.headers["content-type"], r.body])).toEqual([
      ["application/json; charset=utf-8", '{"a":{"b":1}}'],
      ["text/plain", "<a/>"],
    ]);
  });
});
