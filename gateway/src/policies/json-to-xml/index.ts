/** json-to-xml: converts ex.body (inbound) or the answer's body (outbound, on-error). */
import { ErrorCode } from "../../errors.ts";
import { DEFAULT_BODY_LIMIT } from "../compile.ts";
import { headerValue, setHeader } from "../headers.ts";
import { fail, makeStep, type PolicyDefinition } from "../types.ts";
import { isJsonType, jsonToXml } from "../xml.ts";
import { jsonToXmlPolicy } from "./schema.ts";

export const priority = jsonToXmlPolicy.priority;

export const definition: PolicyDefinition<typeof jsonToXmlPolicy.schema> = {
  ...jsonToXmlPolicy,
  create(options, ctx) {
    const { apply, considerAcceptHeader, rootName } = options;
    const inbound = ctx.section === "inbound";
    return makeStep(
      ctx,
      "json-to-xml",
      function jsonToXmlStep(ex) {
        if (considerAcceptHeader && !/\bxml\b/i.test(headerValue(ex.headers, "accept") ?? "")) return undefined;
        const headers = inbound ? ex.headers : ex.response?.headers;
        const body = inbound ? ex.body : ex.response?.body;
        if (headers === undefined || body === null || body === undefined || body.length === 0) return undefined;
        if (apply === "content-type-json" && !isJsonType(headerValue(headers, "content-type"))) return undefined;
        let value: unknown;
        try {
          value = JSON.parse(body.toString("utf8"));
        } catch {
          if (inbound) return fail("json-to-xml", "JsonParseFailure", ErrorCode.CONTENT_INVALID, "The request body is not valid JSON.");
          ctx.env.logger.warn("json-to-xml: the answer is not valid JSON; passed on unchanged", { requestId: ex.requestId });
          return undefined;
        }
        const xml = Buffer.from(jsonToXml(value, rootName));
        setHeader(headers, "content-type", ["application/xml; charset=utf-8"]);
        if (inbound) ex.body = xml;
        else ex.response!.body = xml;
        ex.changed();
        return undefined;
      },
      inbound ? { requestBodyLimit: DEFAULT_BODY_LIMIT } : { needsResponseBody: true },
    );
  },
};
