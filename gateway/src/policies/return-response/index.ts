/** return-response: the answer is rendered once; per call it is only copied. */
import { makeStep, respond, type PolicyDefinition } from "../types.ts";
import { returnResponsePolicy } from "./schema.ts";

export const priority = returnResponsePolicy.priority;

export const definition: PolicyDefinition<typeof returnResponsePolicy.schema> = {
  ...returnResponsePolicy,
  create(options, ctx) {
    const headers: string[] = [];
    for (const [name, value] of Object.entries(options.headers)) for (const v of Array.isArray(value) ? value : [value]) headers.push(name, v);
    const hasType = Object.keys(options.headers).some((n) => n.toLowerCase() === "content-type");
    let body = Buffer.alloc(0);
    if (typeof options.body === "string") {
      body = Buffer.from(options.body);
      if (!hasType) headers.push("content-type", "text/plain; charset=utf-8");
    } else if (options.body !== undefined) {
      body = Buffer.from(JSON.stringify(options.body));
      if (!hasType) headers.push("content-type", "application/json; charset=utf-8");
    }
    const status = options.status;
    return makeStep(ctx, "return-response", function returnResponse() {
      return respond({ status, headers: [...headers], body });
    });
  },
};
