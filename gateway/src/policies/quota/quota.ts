/**
 * The quota step, shared by quota (per subscription) and quota-by-key (per
 * CEL key, optionally counted only when a condition holds on the answer).
 *
 * Bandwidth is checked on arrival (is anything left?) and charged when the
 * call is over, with the bytes the gateway counted on the socket.
 */
import type { CounterStore, WindowDecision } from "../../counters/counter-store.ts";
import type { CompiledExpression } from "../expressions.ts";
import type { Exchange } from "../exchange.ts";
import { periodStart, quotaExceeded } from "../limits.ts";
import { afterAnswer, andThen, guardStore, type OnStoreError } from "../store.ts";
import { makeStep, type CreateContext, type LimitConsume, type MaybePromise, type Step, type StepResult } from "../types.ts";

export interface QuotaSettings {
  name: "quota" | "quota-by-key";
  calls?: number;
  bandwidth?: number;
  renewalPeriod: number;
  firstPeriodStart?: string;
  onStoreError: OnStoreError;
  subject: (ex: Exchange) => string;
  incrementCondition: CompiledExpression | null;
}

export function quotaStep(settings: QuotaSettings, ctx: CreateContext): Step {
  const { name, calls, onStoreError, subject, incrementCondition } = settings;
  const bytes = settings.bandwidth === undefined ? undefined : settings.bandwidth * 1024;
  const periodMs = settings.renewalPeriod * 1000;
  const anchor = settings.firstPeriodStart === undefined ? 0 : Date.parse(settings.firstPeriodStart);
  const { env } = ctx;
  const counters: CounterStore = env.counters;
  const callPrefix = `qc:${ctx.id}:`;
  const bytePrefix = `qb:${ctx.id}:`;

  /** One call's counting: who, and the period it falls in. */
  interface Call {
    ex: Exchange;
    who: string;
    start: number;
    now: number;
  }
  const peekBytes = (c: Call) => counters.peekFixed(bytePrefix + c.who, 1, bytes!, c.start, periodMs, c.now);
  const decideBytes = (d: WindowDecision, c: Call): StepResult => {
    if (!d.allowed) return quotaExceeded(name, "bandwidth", d.resetMs);
    c.ex.onFinish((done) => afterAnswer(env, name, () => counters.addFixed(bytePrefix + c.who, done.record.bytesIn + done.record.bytesOut, c.start, periodMs)));
    return undefined;
  };
  const consumeCall = (c: Call) => counters.consumeFixed(callPrefix + c.who, 1, calls!, c.start, periodMs, c.now);
  const decideCall = (d: WindowDecision): StepResult => (d.allowed ? undefined : quotaExceeded(name, "calls", d.resetMs));
  const peekCall = (c: Call) => counters.peekFixed(callPrefix + c.who, 1, calls!, c.start, periodMs, c.now);
  const decidePeekedCall = (d: WindowDecision, c: Call): StepResult => {
    if (!d.allowed) return quotaExceeded(name, "calls", d.resetMs);
    c.ex.onFinish((done) => {
      let counts: unknown;
      try {
        counts = incrementCondition!(done.cel());
      } catch (err) {
        env.stats.expressionErrors++;
        env.logger.warn("incrementCondition failed; the call is not counted", { policy: name, error: String(err) });
        return;
      }
      if (counts === true) afterAnswer(env, name, () => counters.addFixed(callPrefix + c.who, 1, c.start, periodMs));
    });
    return undefined;
  };
  const checkCalls = (c: Call): MaybePromise<StepResult> => {
    if (calls === undefined) return undefined;
    return incrementCondition === null ? guardStore(env, name, onStoreError, consumeCall, c, decideCall) : guardStore(env, name, onStoreError, peekCall, c, decidePeekedCall);
  };

  // Calls only, counted on arrival, subject known without an expression
  // (quota, not quota-by-key, whose key may fail to evaluate): the whole
  // step is one consume, which a pipeline batches with its neighbours.
  const consume: LimitConsume | undefined =
    name === "quota" && calls !== undefined && bytes === undefined && incrementCondition === null
      ? {
          source: name,
          onStoreError,
          op(ex) {
            const now = env.now();
            return { kind: "fixed", key: callPrefix + subject(ex), cost: 1, limit: calls, windowStart: periodStart(now, periodMs, anchor), windowMs: periodMs, now };
          },
          decide: decideCall,
        }
      : undefined;

  return makeStep(
    ctx,
    name,
    function quota(ex): MaybePromise<StepResult> {
      const now = env.now();
      const c: Call = { ex, who: subject(ex), start: periodStart(now, periodMs, anchor), now };
      if (bytes === undefined) return checkCalls(c);
      // Bytes first: a call refused for bandwidth must not use up a call.
      return andThen(guardStore(env, name, onStoreError, peekBytes, c, decideBytes), () => checkCalls(c));
    },
    { sync: counters.kind === "memory", consume },
  );
}
