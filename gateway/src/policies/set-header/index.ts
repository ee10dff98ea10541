/**
 * set-header: one header of the request (inbound, backend) or of the
 * answer (outbound, on-error), set, appended, kept or deleted.
 */
import { compileText } from "../expressions.ts";
import { appendHeader, deleteHeader, hasHeader, setHeader } from "../headers.ts";
import type { PolicyDefinition } from "../types.ts";
import { makeStep } from "../types.ts";
import { setHeaderPolicy } from "./schema.ts";

export const priority = setHeaderPolicy.priority;

export const definition: PolicyDefinition<typeof setHeaderPolicy.schema> = {
  ...setHeaderPolicy,
  create(options, ctx) {
    const { name, exists } = options;
    const value = options.value === undefined ? null : compileText(options.value);
    const onRequest = ctx.section === "inbound" || ctx.section === "backend";
    return makeStep(ctx, "set-header", function setHeaderStep(ex) {
      const list = onRequest ? ex.headers : ex.response?.headers;
      if (list === undefined) return undefined;
      if (exists === "delete") deleteHeader(list, name);
      else if (exists === "skip" && hasHeader(list, name)) return undefined;
      else if (exists === "append") appendHeader(list, name, [value!(ex)]);
      else setHeader(list, name, [value!(ex)]);
      ex.changed();
      return undefined;
    });
  },
};
