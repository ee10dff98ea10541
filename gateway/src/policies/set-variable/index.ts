/** set-variable: integers become CEL ints (BigInt) so that `vars.n + 1` type-checks as it reads. */
import { compileExpression } from "../expressions.ts";
import { makeStep, type PolicyDefinition } from "../types.ts";
import { setVariablePolicy } from "./schema.ts";

export const priority = setVariablePolicy.priority;

export const definition: PolicyDefinition<typeof setVariablePolicy.schema> = {
  ...setVariablePolicy,
  create(options, ctx) {
    const { name, value } = options;
    if (typeof value === "object") {
      const program = compileExpression(value.expr);
      return makeStep(ctx, "set-variable", function setVariable(ex) {
        ex.vars[name] = program(ex.cel());
        return undefined;
      });
    }
    const constant = typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value;
    return makeStep(ctx, "set-variable", function setVariable(ex) {
      ex.vars[name] = constant;
      return undefined;
    });
  },
};
