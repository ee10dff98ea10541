/**
 * choose: conditions and branch steps are compiled with the pipeline; per
 * call one condition after another is evaluated and one branch runs, with
 * the same sync-first stepping as a section.
 */
import { isPromise } from "../../counters/counter-store.ts";
import { compileExpression } from "../expressions.ts";
import type { Exchange } from "../exchange.ts";
import { makeStep, type MaybePromise, type PolicyDefinition, type Step, type StepResult } from "../types.ts";
import { choosePolicy } from "./schema.ts";

export const priority = choosePolicy.priority;

export const definition: PolicyDefinition<typeof choosePolicy.schema> = {
  ...choosePolicy,
  create(options, ctx) {
    const branches = options.when.map((w, i) => ({ condition: compileExpression(w.condition), steps: ctx.compileNested(w.policies, `when[${i}].policies`) }));
    const otherwise = ctx.compileNested(options.otherwise, "otherwise");
    const all = [...branches.flatMap((b) => b.steps), ...otherwise];
    let bodyLimit: number | null = null;
    for (const s of all) if (s.requestBodyLimit !== null) bodyLimit = Math.max(bodyLimit ?? 0, s.requestBodyLimit);
    return makeStep(
      ctx,
      "choose",
      function choose(ex) {
        for (const branch of branches) {
          if (branch.condition(ex.cel()) === true) return runBranch(branch.steps, ex, 0);
        }
        return runBranch(otherwise, ex, 0);
      },
      { sync: all.every((s) => s.sync), needsResponseBody: all.some((s) => s.needsResponseBody), requestBodyLimit: bodyLimit },
    );
  },
};

function runBranch(steps: readonly Step[], ex: Exchange, from: number): MaybePromise<StepResult> {
  for (let i = from; i < steps.length; i++) {
    const result = steps[i]!.run(ex);
    if (result === undefined) continue;
    if (isPromise(result)) return result.then((r) => (r === undefined ? runBranch(steps, ex, i + 1) : r));
    return result;
  }
  return undefined;
}
