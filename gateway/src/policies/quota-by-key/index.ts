/** quota-by-key: the quota step with a CEL subject and optional increment condition. */
import { celToString, compileExpression } from "../expressions.ts";
import { quotaStep } from "../quota/quota.ts";
import type { PolicyDefinition } from "../types.ts";
import { quotaByKeyPolicy } from "./schema.ts";

export const priority = quotaByKeyPolicy.priority;

export const definition: PolicyDefinition<typeof quotaByKeyPolicy.schema> = {
  ...quotaByKeyPolicy,
  create(options, ctx) {
    const key = compileExpression(options.counterKey);
    const { counterKey: _k, incrementCondition, ...rest } = options;
    return quotaStep(
      {
        name: "quota-by-key",
        ...rest,
        subject: (ex) => `k:${celToString(key(ex.cel()))}`,
        incrementCondition: incrementCondition === undefined ? null : compileExpression(incrementCondition),
      },
      ctx,
    );
  },
};
