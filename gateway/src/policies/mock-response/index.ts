/**
 * mock-response: the answer is taken from the operation's definition when
 * the configuration loads, once per operation, and only copied per call.
 */
import { makeStep, respond, type PolicyDefinition } from "../types.ts";
import { exampleFromSchema } from "./example.ts";
import { mockResponsePolicy } from "./schema.ts";

export const priority = mockResponsePolicy.priority;

export const definition: PolicyDefinition<typeof mockResponsePolicy.schema> = {
  ...mockResponsePolicy,
  perOperation: true,
  create(options, ctx) {
    const { operation, version } = ctx.target!;
    const documented = operation.responses[String(options.status)] ?? (options.status === 200 ? operation.responses.default : undefined);
    const headers: string[] = ["cache-control", "no-store"];
    let body = Buffer.alloc(0);
    if (documented === undefined) {
      ctx.env.logger.warn("mock-response: the operation documents no such response; answering without a body", { operation: operation.id, status: options.status, at: `${ctx.at.file}:${ctx.at.line}:${ctx.at.column}` });
    } else {
      const types = Object.keys(documented.content);
      const type = options.contentType ?? (types.includes("application/json") ? "application/json" : types[0]);
      const media = type === undefined ? undefined : documented.content[type];
      if (type !== undefined && media !== undefined) {
        const value = media.example !== undefined ? media.example : exampleFromSchema(media.schema, version.document);
        const json = /[/+]json\b/i.test(type);
        body = Buffer.from(json ? JSON.stringify(value) : typeof value === "string" ? value : JSON.stringify(value));
        headers.push("content-type", json ? `${type}; charset=utf-8` : type);
      }
    }
    const status = options.status;
    return makeStep(ctx, "mock-response", function mockResponse() {
      return respond({ status, headers: [...headers], body });
    });
  },
};
