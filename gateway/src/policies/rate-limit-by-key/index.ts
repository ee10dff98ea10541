/**
 * rate-limit-by-key: without an increment condition, one consume per call
 * like rate-limit. With one, the call is checked (peek) on arrival and
 * counted once its answer is known, if the condition holds.
 */
import type { WindowDecision } from "../../counters/counter-store.ts";
import type { Exchange } from "../exchange.ts";
import { celToString, compileExpression } from "../expressions.ts";
import { rateLimited } from "../limits.ts";
import { afterAnswer, guardStore } from "../store.ts";
import { makeStep, type PolicyDefinition, type StepResult } from "../types.ts";
import { rateLimitByKeyPolicy } from "./schema.ts";

export const priority = rateLimitByKeyPolicy.priority;

export const definition: PolicyDefinition<typeof rateLimitByKeyPolicy.schema> = {
  ...rateLimitByKeyPolicy,
  create(options, ctx) {
    const { calls, incrementCount, remainingCallsHeader, onStoreError } = options;
    const windowMs = Math.round(options.renewalPeriod * 1000);
    const counterKey = compileExpression(options.counterKey);
    const condition = options.incrementCondition === undefined ? null : compileExpression(options.incrementCondition);
    const { env } = ctx;
    const prefix = `rlk:${ctx.id}:`;
    interface Call {
      ex: Exchange;
      key: string;
    }
    const attempt = ({ key }: Call) =>
      condition === null ? env.counters.consumeSliding(key, incrementCount, calls, windowMs, env.now()) : env.counters.peekSliding(key, incrementCount, calls, windowMs, env.now());
    const decide = (decision: WindowDecision, { ex, key }: Call): StepResult => {
      if (!decision.allowed) return rateLimited("rate-limit-by-key", decision.retryAfterMs);
      if (remainingCallsHeader !== undefined) {
        const left = condition === null ? decision.remaining : Math.max(0, decision.remaining - incrementCount);
        (ex.answerHeaders ??= []).push(remainingCallsHeader, String(left));
      }
      if (condition !== null) {
        ex.onFinish((done) => {
          let counts: unknown;
          try {
            counts = condition(done.cel());
          } catch (err) {
            env.stats.expressionErrors++;
            env.logger.warn("incrementCondition failed; the call is not counted", { policy: "rate-limit-by-key", error: String(err) });
            return;
          }
          if (counts === true) afterAnswer(env, "rate-limit-by-key", () => env.counters.consumeSliding(key, incrementCount, calls, windowMs, env.now()));
        });
      }
      return undefined;
    };
    return makeStep(
      ctx,
      "rate-limit-by-key",
      function rateLimitByKey(ex) {
        return guardStore(env, "rate-limit-by-key", onStoreError, attempt, { ex, key: prefix + celToString(counterKey(ex.cel())) }, decide);
      },
      { sync: env.counters.kind === "memory" },
    );
  },
};
