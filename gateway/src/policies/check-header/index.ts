/** check-header: accepted values normalised once (lower-cased when ignoreCase) into a Set. */
import { ErrorCode } from "../../errors.ts";
import { headerValue } from "../headers.ts";
import { fail, makeStep, type PolicyDefinition } from "../types.ts";
import { checkHeaderPolicy } from "./schema.ts";

export const priority = checkHeaderPolicy.priority;

const CODES = { 400: ErrorCode.BAD_REQUEST, 401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND } as const;

export const definition: PolicyDefinition<typeof checkHeaderPolicy.schema> = {
  ...checkHeaderPolicy,
  create(options, ctx) {
    const { name, ignoreCase, failedMessage } = options;
    const accepted = new Set(options.values.map((v) => (ignoreCase ? v.toLowerCase() : v)));
    const code = CODES[options.failedStatusCode];
    return makeStep(ctx, "check-header", function checkHeader(ex) {
      const value = headerValue(ex.headers, name);
      const ok = value !== undefined && (accepted.size === 0 || accepted.has(ignoreCase ? value.toLowerCase() : value));
      return ok ? undefined : fail("check-header", value === undefined ? "HeaderNotFound" : "HeaderValueNotAllowed", code, failedMessage);
    });
  },
};
