/**
 * The contract between the policy engine and the policies.
 *
 * A policy module turns its validated options into a `Step` once per
 * configuration (`create`); the gateway runs steps per call. A step decides
 * and returns data: nothing (carry on), an answer to send (`respond`), or a
 * failure that sends the call to `on-error` (`fail`). Only infrastructure
 * problems throw; the engine turns those into an INTERNAL failure.
 */
import type { z } from "zod";
import type { CounterOp, CounterStore, MaybePromise, WindowDecision } from "../counters/counter-store.ts";
import type { ErrorBody, ErrorCode } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Api, ApiVersion, Operation, PolicySection, SourcePosition } from "../model/catalog.ts";
import type { Exchange } from "./exchange.ts";
import type { HeaderList } from "./headers.ts";

export type { MaybePromise, PolicySection };

/** An answer the gateway sends itself (return-response, mock-response, a cache hit, an error). */
export interface Answer {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

/** Why a call went to on-error; `source` and `reason` become `lastError`. */
export interface PolicyFailure {
  /** The policy that failed, or `forward-request` for the backend. */
  source: string;
  /** A stable reason, e.g. `RateLimitExceeded`, readable as lastError.reason. */
  reason: string;
  code: ErrorCode;
  message: string;
  headers?: Record<string, string>;
  details?: ErrorBody["details"];
}

export type Stop =
  /** Answer now. `outbound: true` runs the outbound section on it (a cache hit); false sends it as is. */
  | { kind: "respond"; answer: Answer; outbound: boolean }
  | { kind: "fail"; failure: PolicyFailure };

export type StepResult = Stop | undefined;

/** Counts the engine keeps for metrics and tests. */
export interface PolicyStats {
  /** Store calls that failed and were let through (onStoreError: allow). */
  storeErrorsAllowed: number;
  /** Store calls that failed and were refused (onStoreError: deny). */
  storeErrorsDenied: number;
  /** Expressions that failed while running (each sent its call to on-error). */
  expressionErrors: number;
}

export interface PolicyEnv {
  counters: CounterStore;
  logger: Logger;
  /** Epoch ms; injected so limit tests run on a fake clock. */
  now(): number;
  /** Waits between retries; injected so tests need not sleep. */
  sleep(ms: number): Promise<void>;
  /** The portal's public URL, known only once its listener runs (for cors `allowPortalOrigin`). */
  portalUrl(): string | undefined;
  stats: PolicyStats;
  /** Shared caches that outlive one configuration (JWKS documents). */
  shared: Map<string, unknown>;
}

/** What the browser-facing part of a cors policy does, outside the normal pipeline. */
export interface CorsRuntime {
  /** The answer to a preflight (OPTIONS with Access-Control-Request-Method). */
  preflight(origin: string, method: string, requestHeaders: string | undefined): Answer;
  /** Headers for an actual call from `origin`; null for an origin that is not allowed. */
  actualHeaders(origin: string): HeaderList | null;
}

export interface Step {
  readonly name: string;
  /** Where the entry is written, for messages. */
  readonly at: SourcePosition;
  /** True when run() never returns a promise: outbound steps run inside the streaming path only then. */
  readonly sync: boolean;
  /** Outbound: the step reads or replaces the response body, so the answer is read whole first. */
  readonly needsResponseBody: boolean;
  /** Inbound: the step reads the request body; the most it accepts, in bytes. */
  readonly requestBodyLimit: number | null;
  run(ex: Exchange): MaybePromise<StepResult>;
  /** Set by cors: preflights are answered before a key is checked. */
  readonly cors?: CorsRuntime;
  /**
   * Set by limit steps whose whole work is one consume and its decision:
   * consecutive ones are run as one store operation (`consumeMany`: one
   * Redis round trip for a call's limits). `run` does the same alone.
   */
  readonly consume?: LimitConsume;
}

/** A limit step as data: the consume it makes for a call, and what it makes of the decision. */
export interface LimitConsume {
  /** The policy, for store-failure logs and counts. */
  source: string;
  onStoreError: "allow" | "deny";
  op(ex: Exchange): CounterOp;
  decide(decision: WindowDecision, ex: Exchange): StepResult;
}

export interface CreateContext {
  env: PolicyEnv;
  section: PolicySection;
  /** Stable id of the entry (scope, section, index), for counter and cache keys. */
  id: string;
  at: SourcePosition;
  /** The operation, for policies that need its definition (mock-response, validate-content). */
  target?: { api: Api; version: ApiVersion; operation: Operation };
  /** Compiles entries nested in this one (choose's branches) for the same section. */
  compileNested(entries: ReadonlyArray<{ name: string; options: unknown }>, path: string): Step[];
}

/** What a policy's `schema.ts` declares: enough for validation and the docs, without the handler. */
export interface PolicyMeta<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  /** Higher runs earlier when order is free (docs order; auth > limits > transforms), after Kong. */
  priority: number;
  /** Where the policy may be written. */
  sections: readonly PolicySection[];
  /** One line for lists. */
  summary: string;
  /** Markdown: what it does, when to use it, what the caller sees. */
  description: string;
  /** A YAML policy document fragment using it, validated by the docs test. */
  example: string;
}

export interface PolicyDefinition<S extends z.ZodType = z.ZodType> extends PolicyMeta<S> {
  /** Built once per operation rather than once per entry (reads the operation's definition). */
  perOperation?: boolean;
  create(options: z.output<S>, ctx: CreateContext): Step;
}

export type StepOptions = Partial<Pick<Step, "sync" | "needsResponseBody" | "requestBodyLimit" | "cors" | "consume">>;

/** A step with the common defaults: synchronous, headers only, no request body. */
export function makeStep(ctx: Pick<CreateContext, "at">, name: string, run: Step["run"], options: StepOptions = {}): Step {
  return {
    name,
    at: ctx.at,
    sync: options.sync ?? true,
    needsResponseBody: options.needsResponseBody ?? false,
    requestBodyLimit: options.requestBodyLimit ?? null,
    run,
    ...(options.cors !== undefined ? { cors: options.cors } : {}),
    ...(options.consume !== undefined ? { consume: options.consume } : {}),
  };
}

export function fail(source: string, reason: string, code: ErrorCode, message: string, headers?: Record<string, string>, details?: ErrorBody["details"]): Stop {
  const failure: PolicyFailure = { source, reason, code, message };
  if (headers !== undefined) failure.headers = headers;
  if (details !== undefined) failure.details = details;
  return { kind: "fail", failure };
}

export function respond(answer: Answer, outbound = false): Stop {
  return { kind: "respond", answer, outbound };
}
