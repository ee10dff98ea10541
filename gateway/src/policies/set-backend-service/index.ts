/** set-backend-service: origin and base path parsed once; per call two assignments. */
import { makeStep, type PolicyDefinition } from "../types.ts";
import { setBackendServicePolicy } from "./schema.ts";

export const priority = setBackendServicePolicy.priority;

export const definition: PolicyDefinition<typeof setBackendServicePolicy.schema> = {
  ...setBackendServicePolicy,
  create(options, ctx) {
    const url = new URL(options.url);
    const origin = url.origin;
    const basePath = url.pathname.replace(/\/+$/, "");
    return makeStep(ctx, "set-backend-service", function setBackendService(ex) {
      ex.origin = origin;
      ex.basePath = basePath;
      return undefined;
    });
  },
};
