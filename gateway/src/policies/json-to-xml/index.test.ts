import { afterEach, describe, expect, it } from "vitest";
import { startPolicyGateway, type PolicyGateway } from "../testing.ts";
import { jsonToXml, xmlToJson } from "../xml.ts";

let gw: PolicyGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const order = { order: { "@id": "A-7", customer: "Ada & Co", rush: true, weight: 2.5, items: [{ sku: "P-1", qty: 2 }, { sku: "P-2", qty: 1 }], note: "<fragile>" } };

describe("json-to-xml and xml-to-json", () => {
  it("round-trip: JSON → XML → the same JSON", () => {
    const xml = jsonToXml(order, "document");
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><order id="A-7"><customer>Ada &amp; Co</customer><rush>true</rush><weight>2.5</weight><items><sku>P-1</sku><qty>2</qty></items><items><sku>P-2</sku><qty>1</qty></items><note>&lt;fragile&gt;</note></order>',
    );
    expect(xmlToJson(xml)).toEqual(order);
  });

  it("wraps JSON that is not a single-key object in the root element", () => {
    expect(jsonToXml([1, 2], "list")).toBe('<?xml version="1.0" encoding="UTF-8"?><list><item>1</item><item>2</item></list>');
    expect(jsonToXml({ a: 1, "2b": 2, "c d": 3 }, "document")).toBe('<?xml version="1.0" encoding="UTF-8"?><document><a>1</a><_2b>2</_2b><c_d>3</c_d></document>');
  });

  it("round-trips a request body through the gateway: the backend gets XML, the caller gets JSON back", async () => {
    gw = await startPolicyGateway({
      backend: (req, res) => {
        res.writeHead(200, { "content-type": req.headers["content-type"] as string });
        res.end(req.body);
      },
      operations: { createItem: { inbound: [{ "json-to-xml": {} }], outbound: [{ "xml-to-json": {} }] } },
    });
    const res = await gw.call("/shop/items", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(order) });
    expect(gw.backend.requests[0]!.headers["content-type"]).toBe("application/xml; charset=utf-8");
    expect(gw.backend.requests[0]!.body).toContain('<order id="A-7">');
    expect(gw.backend.requests[0]!.headers["content-length"]).toBe(String(Buffer.byteLength(gw.backend.requests[0]!.body)));
    expect([res.status, res.headers["content-type"]]).toEqual([200, "application/json; charset=utf-8"]);
    expect(res.json()).toEqual(order);
  });

  it("converts answers only when the caller asks for XML with considerAcceptHeader, and passes others unchanged", async () => {
    gw = await startPolicyGateway({
      backend: (req, res) => {
        res.writeHead(200, { "content-type": req.url.includes("text") ? "text/plain" : "application/json" });
        res.end(req.url.includes("broken") ? "{not json" : req.url.includes("text") ? "plain" : '{"a":1}');
      },
      api: { outbound: [{ "json-to-xml": { considerAcceptHeader: true } }] },
    });
    expect((await gw.call("/shop/items", { headers: { accept: "application/json" } })).text).toBe('{"a":1}');
    expect((await gw.call("/shop/items", { headers: { accept: "application/xml" } })).text).toBe('<?xml version="1.0" encoding="UTF-8"?><a>1</a>');
    expect((await gw.call("/shop/items?text", { headers: { accept: "application/xml" } })).text).toBe("plain");
    expect((await gw.call("/shop/items?broken", { headers: { accept: "application/xml" } })).text).toBe("{not json");
  });

  it("refuses a request body labelled JSON that does not parse, and XML with a DOCTYPE", async () => {
    gw = await startPolicyGateway({ operations: { createItem: { inbound: [{ "json-to-xml": {} }] } } });
    const bad = await gw.call("/shop/items", { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
    expect(bad.json()).toEqual({ statusCode: 400, code: "CONTENT_INVALID", message: "The request body is not valid JSON.", requestId: bad.headers["x-request-id"] });
    await gw.close();
    gw = await startPolicyGateway({ operations: { createItem: { inbound: [{ "xml-to-json": {} }] } } });
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><lolz>&lol;</lolz>';
    const refused = await gw.call("/shop/items", { method: "POST", headers: { "content-type": "application/xml" }, body: bomb });
    expect(refused.json()).toMatchObject({ statusCode: 400, code: "CONTENT_INVALID", message: "The request body is not accepted XML: XML with a DOCTYPE is not accepted." });
    const broken = await gw.call("/shop/items", { method: "POST", headers: { "content-type": "text/xml" }, body: "<a><b></a>" });
    expect(broken.json().message).toMatch(/^The request body is not accepted XML: not well-formed XML: .+ \(line 1\)\.$/);
    expect(gw.backend.hits).toBe(0);
  });
});
