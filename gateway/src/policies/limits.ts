/**
 * What the limit policies share: who a call counts against, the refusals
 * in APIM's words (clients and the demo docs quote them), and fixed
 * quota periods.
 */
import { ErrorCode } from "../errors.ts";
import type { Exchange } from "./exchange.ts";
import { fail, type Stop } from "./types.ts";

/**
 * The counter subject of per-subscription limits: the subscription, or for
 * calls without one (an open product) the caller's address, so that keyless
 * callers do not share one bucket.
 */
export function subjectOf(ex: Exchange): string {
  return ex.subscriptionId !== null ? `s:${ex.subscriptionId}` : `ip:${ex.clientIp}`;
}

/** Whole seconds to wait, at least 1: `Retry-After` cannot say 0 for a refusal. */
export function retrySeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export function rateLimited(source: string, retryAfterMs: number): Stop {
  const s = retrySeconds(retryAfterMs);
  return fail(source, "RateLimitExceeded", ErrorCode.RATE_LIMITED, `Rate limit is exceeded. Try again in ${s} seconds.`, { "Retry-After": String(s) });
}

export function quotaExceeded(source: string, kind: "calls" | "bandwidth", resetMs: number): Stop {
  const what = kind === "calls" ? "call volume" : "bandwidth";
  return fail(source, kind === "calls" ? "QuotaExceeded" : "BandwidthQuotaExceeded", ErrorCode.QUOTA_EXCEEDED, `Out of ${what} quota. Quota will be replenished in ${formatSpan(resetMs)}.`, {
    "Retry-After": String(retrySeconds(resetMs)),
  });
}

/** A duration as APIM prints it: `hh:mm:ss`, with `d.` in front from one day on (`1.02:03:04`). */
export function formatSpan(ms: number): string {
  let s = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const hh = Math.floor(s / 3_600);
  const mm = Math.floor((s % 3_600) / 60);
  const ss = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days > 0 ? `${days}.` : ""}${two(hh)}:${two(mm)}:${two(ss)}`;
}

/** Start of the fixed period containing `now`: periods are laid end to end from `anchor` (epoch ms). */
export function periodStart(now: number, periodMs: number, anchor: number): number {
  return anchor + Math.floor((now - anchor) / periodMs) * periodMs;
}
