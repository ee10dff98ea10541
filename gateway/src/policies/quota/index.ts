/** quota: per subscription (or caller address without one). */
import { subjectOf } from "../limits.ts";
import type { PolicyDefinition } from "../types.ts";
import { quotaStep } from "./quota.ts";
import { quotaPolicy } from "./schema.ts";

export const priority = quotaPolicy.priority;

export const definition: PolicyDefinition<typeof quotaPolicy.schema> = {
  ...quotaPolicy,
  create(options, ctx) {
    return quotaStep({ name: "quota", ...options, subject: subjectOf, incrementCondition: null }, ctx);
  },
};
