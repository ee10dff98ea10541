/**
 * rate-limit: one sliding-window consume per call, keyed by where the
 * policy is written and by subscription. With the in-memory store the
 * decision is synchronous and allocates nothing but the key string.
 */
import type { CounterOp, WindowDecision } from "../../counters/counter-store.ts";
import type { Exchange } from "../exchange.ts";
import { rateLimited, subjectOf } from "../limits.ts";
import { guardStore } from "../store.ts";
import { makeStep, type PolicyDefinition, type StepResult } from "../types.ts";
import { rateLimitPolicy } from "./schema.ts";

export const priority = rateLimitPolicy.priority;

export const definition: PolicyDefinition<typeof rateLimitPolicy.schema> = {
  ...rateLimitPolicy,
  create(options, ctx) {
    const { calls, remainingCallsHeader, onStoreError } = options;
    const windowMs = Math.round(options.renewalPeriod * 1000);
    const { env } = ctx;
    const prefix = `rl:${ctx.id}:`;
    const attempt = (ex: Exchange) => env.counters.consumeSliding(prefix + subjectOf(ex), 1, calls, windowMs, env.now());
    const op = (ex: Exchange): CounterOp => ({ kind: "sliding", key: prefix + subjectOf(ex), cost: 1, limit: calls, windowMs, now: env.now() });
    const decide = (decision: WindowDecision, ex: Exchange): StepResult => {
      if (!decision.allowed) return rateLimited("rate-limit", decision.retryAfterMs);
      if (remainingCallsHeader !== undefined) (ex.answerHeaders ??= []).push(remainingCallsHeader, String(decision.remaining));
      return undefined;
    };
    return makeStep(ctx, "rate-limit", function rateLimit(ex) {
      return guardStore(env, "rate-limit", onStoreError, attempt, ex, decide);
    }, { sync: env.counters.kind === "memory", consume: { source: "rate-limit", onStoreError, op, decide } });
  },
};
