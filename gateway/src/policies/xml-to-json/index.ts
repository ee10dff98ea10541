/** xml-to-json: converts ex.body (inbound) or the answer's body (outbound, on-error). */
import { ErrorCode } from "../../errors.ts";
import { DEFAULT_BODY_LIMIT } from "../compile.ts";
import { headerValue, setHeader } from "../headers.ts";
import { fail, makeStep, type PolicyDefinition } from "../types.ts";
import { isXmlType, xmlToJson } from "../xml.ts";
import { xmlToJsonPolicy } from "./schema.ts";

export const priority = xmlToJsonPolicy.priority;

export const definition: PolicyDefinition<typeof xmlToJsonPolicy.schema> = {
  ...xmlToJsonPolicy,
  create(options, ctx) {
    const { apply, considerAcceptHeader } = options;
    const inbound = ctx.section === "inbound";
    return makeStep(
      ctx,
      "xml-to-json",
      function xmlToJsonStep(ex) {
        if (considerAcceptHeader && !/\bjson\b/i.test(headerValue(ex.headers, "accept") ?? "")) return undefined;
        const headers = inbound ? ex.headers : ex.response?.headers;
        const body = inbound ? ex.body : ex.response?.body;
        if (headers === undefined || body === null || body === undefined || body.length === 0) return undefined;
        if (apply === "content-type-xml" && !isXmlType(headerValue(headers, "content-type"))) return undefined;
        let value: unknown;
        try {
          value = xmlToJson(body.toString("utf8"));
        } catch (err) {
          if (inbound) return fail("xml-to-json", "XmlParseFailure", ErrorCode.CONTENT_INVALID, `The request body is not accepted XML: ${(err as Error).message}.`);
          ctx.env.logger.warn("xml-to-json: the answer is not accepted XML; passed on unchanged", { requestId: ex.requestId, error: (err as Error).message });
          return undefined;
        }
        const json = Buffer.from(JSON.stringify(value));
        setHeader(headers, "content-type", ["application/json; charset=utf-8"]);
        if (inbound) ex.body = json;
        else ex.response!.body = json;
        ex.changed();
        return undefined;
      },
      inbound ? { requestBodyLimit: DEFAULT_BODY_LIMIT } : { needsResponseBody: true },
    );
  },
};
