/** forward-request: settings the forwarding step reads from the exchange. */
import { makeStep, type PolicyDefinition } from "../types.ts";
import { forwardRequestPolicy } from "./schema.ts";

export const priority = forwardRequestPolicy.priority;

export const definition: PolicyDefinition<typeof forwardRequestPolicy.schema> = {
  ...forwardRequestPolicy,
  create(options, ctx) {
    const timeoutMs = Math.round(options.timeout * 1000);
    const failOnErrorStatus = options.failOnErrorStatus;
    return makeStep(ctx, "forward-request", function forwardRequest(ex) {
      ex.timeoutMs = timeoutMs;
      ex.failOnErrorStatus = failOnErrorStatus;
      return undefined;
    });
  },
};
