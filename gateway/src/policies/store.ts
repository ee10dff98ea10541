/**
 * Calling the counter store from a policy with the policy's `onStoreError`
 * choice applied: `allow` lets the call through (fail open), `deny` answers
 * 503 STORE_UNAVAILABLE (fail closed). Either way the failure is counted
 * and logged, at most once per 10 s per policy so a Redis outage does not
 * flood the log at the gateway's call rate.
 *
 * A synchronous store (memory) gives a synchronous result, so the hot path
 * stays free of promises.
 */
import { isPromise, StoreUnavailableError, type MaybePromise } from "../counters/counter-store.ts";
import { ErrorCode } from "../errors.ts";
import { fail, type PolicyEnv, type StepResult } from "./types.ts";

export type OnStoreError = "allow" | "deny";

export const STORE_UNAVAILABLE_MESSAGE = "The gateway cannot reach its counter store. Try again shortly.";

interface Throttle {
  lastLogged: number;
  suppressed: number;
}

const throttles = new WeakMap<PolicyEnv, Map<string, Throttle>>();

/**
 * Runs `attempt(arg)` against the store and `decide(result, arg)` on its
 * result, applying `onStoreError` to a StoreUnavailableError. `attempt` and
 * `decide` are built once per policy and get the call's data as `arg`, so a
 * synchronous store costs no closure per call.
 */
export function guardStore<T, A>(
  env: PolicyEnv,
  source: string,
  onStoreError: OnStoreError,
  attempt: (arg: A) => MaybePromise<T>,
  arg: A,
  decide: (value: T, arg: A) => StepResult,
): MaybePromise<StepResult> {
  let value: MaybePromise<T>;
  try {
    value = attempt(arg);
  } catch (err) {
    return storeFailed(env, source, onStoreError, err);
  }
  if (isPromise(value)) return value.then((v) => decide(v, arg), (err: unknown) => storeFailed(env, source, onStoreError, err));
  return decide(value, arg);
}

/** For work after the answer (counting bytes, conditional increments): nothing to refuse any more, so failures are only logged. */
export function afterAnswer(env: PolicyEnv, source: string, attempt: () => MaybePromise<unknown>): void {
  try {
    const value = attempt();
    if (isPromise(value)) value.catch((err: unknown) => void logFailure(env, source, err, "allow"));
  } catch (err) {
    logFailure(env, source, err, "allow");
  }
}

/** Applies `mode` to a store failure (rethrowing anything else): a 503 for deny, nothing for allow; counted and logged either way. */
export function storeFailed(env: PolicyEnv, source: string, mode: OnStoreError, err: unknown): StepResult {
  if (!(err instanceof StoreUnavailableError)) throw err;
  if (mode === "deny") {
    env.stats.storeErrorsDenied++;
    logFailure(env, source, err, mode);
    return fail(source, "StoreUnavailable", ErrorCode.STORE_UNAVAILABLE, STORE_UNAVAILABLE_MESSAGE);
  }
  env.stats.storeErrorsAllowed++;
  logFailure(env, source, err, mode);
  return undefined;
}

function logFailure(env: PolicyEnv, source: string, err: unknown, mode: OnStoreError): void {
  let byPolicy = throttles.get(env);
  if (byPolicy === undefined) {
    byPolicy = new Map();
    throttles.set(env, byPolicy);
  }
  const now = env.now();
  const t = byPolicy.get(source) ?? { lastLogged: -Infinity, suppressed: 0 };
  byPolicy.set(source, t);
  if (now - t.lastLogged < 10_000) {
    t.suppressed++;
    return;
  }
  env.logger.warn(mode === "allow" ? "counter store unavailable: call let through" : "counter store unavailable: call refused", {
    policy: source,
    error: err instanceof Error ? err.message : String(err),
    suppressedSinceLast: t.suppressed,
  });
  t.lastLogged = now;
  t.suppressed = 0;
}

/** `next(result)` unless `result` already stopped the call; sync when `first` is. */
export function andThen(first: MaybePromise<StepResult>, next: () => MaybePromise<StepResult>): MaybePromise<StepResult> {
  if (isPromise(first)) return first.then((r) => (r === undefined ? next() : r));
  return first === undefined ? next() : first;
}
