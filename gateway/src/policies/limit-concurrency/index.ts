/** limit-concurrency: a lease per call, given back when the call is over. */
import type { Lease } from "../../counters/counter-store.ts";
import { ErrorCode } from "../../errors.ts";
import type { Exchange } from "../exchange.ts";
import { celToString, compileExpression } from "../expressions.ts";
import { guardStore } from "../store.ts";
import { fail, makeStep, type PolicyDefinition, type StepResult } from "../types.ts";
import { limitConcurrencyPolicy } from "./schema.ts";

export const priority = limitConcurrencyPolicy.priority;

export const CONCURRENCY_MESSAGE = "Too many calls are in progress. Try again in 1 seconds.";

export const definition: PolicyDefinition<typeof limitConcurrencyPolicy.schema> = {
  ...limitConcurrencyPolicy,
  create(options, ctx) {
    const { max, onStoreError } = options;
    const counterKey = options.counterKey === undefined ? null : compileExpression(options.counterKey);
    const { env } = ctx;
    const prefix = `lc:${ctx.id}:`;
    // A lease outlives a crashed holder by the backend timeout plus a minute.
    const attempt = (ex: Exchange) => env.counters.acquire(counterKey === null ? prefix : prefix + celToString(counterKey(ex.cel())), max, ex.timeoutMs + 60_000);
    const decide = (lease: Lease, ex: Exchange): StepResult => {
      if (!lease.ok) return fail("limit-concurrency", "ConcurrencyLimitExceeded", ErrorCode.CONCURRENCY_LIMITED, CONCURRENCY_MESSAGE, { "Retry-After": "1" });
      ex.onFinish(() => lease.release());
      return undefined;
    };
    return makeStep(
      ctx,
      "limit-concurrency",
      function limitConcurrency(ex) {
        return guardStore(env, "limit-concurrency", onStoreError, attempt, ex, decide);
      },
      { sync: env.counters.kind === "memory" },
    );
  },
};
