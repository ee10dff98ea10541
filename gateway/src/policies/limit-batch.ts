/**
 * A call's consecutive limit steps (rate-limit, quota) as one store
 * operation. Each alone costs a Redis round trip, and they run one after
 * the other, so a product with a rate limit and a quota paid two; batched,
 * `consumeMany` decides them in order in one script, with the same results
 * as running the steps one by one:
 *
 * - decided in order, stopping at the first refusal (the later limits are
 *   neither decided nor counted, as when the first step stops the call);
 * - when the store fails, each limit's `onStoreError` applies in order
 *   (each counted and logged as it would be alone): the first `deny`
 *   refuses the call; all `allow` let it through.
 *
 * Only stores that answer with a promise gain from it: the memory store's
 * steps stay as they are (synchronous, no batch to allocate).
 */
import { isPromise, type CounterOp, type WindowDecision } from "../counters/counter-store.ts";
import { storeFailed } from "./store.ts";
import type { LimitConsume, MaybePromise, PolicyEnv, Step, StepResult } from "./types.ts";
import type { Exchange } from "./exchange.ts";

/** `steps` with each run of two or more consecutive limit steps replaced by one batched step. */
export function batchLimits(steps: readonly Step[], env: PolicyEnv): Step[] {
  if (env.counters.kind === "memory") return [...steps];
  const out: Step[] = [];
  for (let i = 0; i < steps.length; ) {
    let j = i;
    while (j < steps.length && steps[j]!.consume !== undefined) j++;
    if (j - i >= 2) {
      out.push(batched(steps.slice(i, j), env));
      i = j;
    } else {
      out.push(steps[i]!);
      i++;
    }
  }
  return out;
}

function batched(parts: readonly Step[], env: PolicyEnv): Step {
  const consumes: LimitConsume[] = parts.map((p) => p.consume!);
  const decideAll = (decisions: WindowDecision[], ex: Exchange): StepResult => {
    for (let i = 0; i < decisions.length; i++) {
      const result = consumes[i]!.decide(decisions[i]!, ex);
      if (result !== undefined) return result;
    }
    return undefined;
  };
  const failedAll = (err: unknown): StepResult => {
    for (const c of consumes) {
      const result = storeFailed(env, c.source, c.onStoreError, err);
      if (result !== undefined) return result;
    }
    return undefined;
  };
  return {
    name: parts.map((p) => p.name).join("+"),
    at: parts[0]!.at,
    sync: false,
    needsResponseBody: false,
    requestBodyLimit: null,
    run(ex): MaybePromise<StepResult> {
      const ops: CounterOp[] = new Array(consumes.length);
      for (let i = 0; i < consumes.length; i++) ops[i] = consumes[i]!.op(ex);
      let decisions: MaybePromise<WindowDecision[]>;
      try {
        decisions = env.counters.consumeMany(ops);
      } catch (err) {
        return failedAll(err);
      }
      if (isPromise(decisions)) return decisions.then((d) => decideAll(d, ex), failedAll);
      return decideAll(decisions, ex);
    },
  };
}
