/** retry: settings on the exchange that the forwarding step follows. */
import { DEFAULT_BODY_LIMIT } from "../compile.ts";
import type { RetrySettings } from "../exchange.ts";
import { compileExpression } from "../expressions.ts";
import { makeStep, type PolicyDefinition } from "../types.ts";
import { retryPolicy } from "./schema.ts";

export const priority = retryPolicy.priority;

export const definition: PolicyDefinition<typeof retryPolicy.schema> = {
  ...retryPolicy,
  create(options, ctx) {
    const condition = compileExpression(options.condition);
    const { count, firstFastRetry } = options;
    const interval = options.interval * 1000;
    const delta = (options.delta ?? 0) * 1000;
    const max = options.maxInterval === undefined ? Infinity : options.maxInterval * 1000;
    const settings: RetrySettings = {
      count,
      delayMs: (n) => (n === 1 && firstFastRetry ? 0 : Math.min(max, interval + delta * (2 ** (n - 1) - 1))),
      shouldRetry(ex, status, headers) {
        ex.response = { status, headers, body: null };
        ex.changed();
        return condition(ex.cel()) === true;
      },
    };
    return makeStep(
      ctx,
      "retry",
      function retry(ex) {
        ex.retry = settings;
        return undefined;
      },
      { requestBodyLimit: DEFAULT_BODY_LIMIT },
    );
  },
};
