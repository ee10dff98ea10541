/**
 * Runs one call through its compiled pipeline: inbound → backend → forward
 * → outbound, and on-error on any failure.
 *
 * Synchronous as long as every step is: a step that returns a promise (a
 * store in Redis, a JWKS fetch, reading the body) switches that call to
 * promise continuations from there on, and the in-memory path never
 * allocates one. The backend's answer streams (outbound steps, all
 * synchronous and headers-only, run on its head inside undici's stream
 * factory) unless an outbound step needs the body, in which case the
 * answer is read whole, up to a bound, and sent once the steps are done.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isPromise } from "../counters/counter-store.ts";
import { codeToStatus, ErrorCode, errorBody } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Pipeline } from "../policies/compile.ts";
import type { Exchange } from "../policies/exchange.ts";
import { CelLastError } from "../policies/expressions.ts";
import type { Answer, MaybePromise, PolicyFailure, Step, StepResult, Stop } from "../policies/types.ts";
import { largeBodies } from "./buffer-reaper.ts";
import { forward, forwardBuffered, type BackendPools, type ResponseHead } from "./proxy.ts";

/** Backend answers bigger than this skip outbound body policies and stream as they are. */
export const MAX_BUFFERED_RESPONSE = 8 * 1024 * 1024;

/** What every run shares; one per gateway, so a call allocates nothing for it. */
export interface RunContext {
  pools: BackendPools;
  logger: Logger;
}

/** Runs `steps` in order until one stops the section; sync unless a step is not. */
export function runSteps(steps: readonly Step[], ex: Exchange, pipeline: Pipeline, from = 0): MaybePromise<StepResult> {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!;
    let result: MaybePromise<StepResult>;
    try {
      result = step.run(ex);
    } catch (err) {
      return unexpected(step, err, ex, pipeline);
    }
    if (result === undefined) continue;
    if (isPromise(result)) {
      return result.then(
        (r) => (r === undefined ? runSteps(steps, ex, pipeline, i + 1) : r),
        (err: unknown) => unexpected(step, err, ex, pipeline),
      );
    }
    return result;
  }
  return undefined;
}

/** A step threw: an expression that failed on this call's data, or a bug. Either way the call goes to on-error. */
function unexpected(step: Step, err: unknown, ex: Exchange, pipeline: Pipeline): Stop {
  const isExpression = (err as { name?: string } | null)?.name === "EvaluationError";
  if (isExpression) pipeline.env.stats.expressionErrors++;
  pipeline.env.logger.warn(isExpression ? "policy expression failed" : "policy failed", {
    requestId: ex.requestId,
    policy: step.name,
    at: `${step.at.file}:${step.at.line}:${step.at.column}`,
    error: err instanceof Error ? err.message.split("\n")[0] : String(err),
  });
  return {
    kind: "fail",
    failure: {
      source: step.name,
      reason: isExpression ? "ExpressionEvaluationFailure" : "PolicyFailure",
      code: ErrorCode.INTERNAL,
      message: isExpression ? "A policy expression could not be evaluated for this call." : "A policy failed unexpectedly.",
    },
  };
}

export function errorAnswer(failure: PolicyFailure, requestId: string): Answer {
  const body = Buffer.from(JSON.stringify(errorBody(failure.code, failure.message, requestId, failure.details)));
  const headers = ["content-type", "application/json; charset=utf-8", "cache-control", "no-store"];
  if (failure.headers !== undefined) for (const [name, value] of Object.entries(failure.headers)) headers.push(name, value);
  return { status: codeToStatus(failure.code), headers, body };
}

/** Headers the gateway computes for every answer it writes itself. */
const FRAMING = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "x-request-id"]);

export function runPipeline(pipeline: Pipeline, ex: Exchange, req: IncomingMessage, res: ServerResponse, rc: RunContext): void {
  new Run(pipeline, ex, req, res, rc).start();
}

class Run {
  readonly p: Pipeline;
  readonly ex: Exchange;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly rc: RunContext;
  readonly hasBody: boolean;
  /** What an outbound step decided inside the streaming path, acted on once the stream settles. */
  pending: Stop | undefined;
  retrying = false;
  headers: string[] | null = null;

  constructor(p: Pipeline, ex: Exchange, req: IncomingMessage, res: ServerResponse, rc: RunContext) {
    this.p = p;
    this.ex = ex;
    this.req = req;
    this.res = res;
    this.rc = rc;
    const length = req.headers["content-length"];
    this.hasBody = length !== undefined ? length !== "0" : req.headers["transfer-encoding"] !== undefined;
  }

  start(): void {
    const limit = this.p.requestBodyLimit;
    if (limit !== null && this.hasBody) {
      readBody(this.req, limit).then(
        (body) => {
          this.ex.body = body;
          this.ex.bodyRead = true;
          this.ex.changed();
          this.inbound();
        },
        (err: Error) => {
          if (err instanceof BodyTooLarge) {
            this.res.shouldKeepAlive = false;
            this.failed({ source: "gateway", reason: "PayloadTooLarge", code: ErrorCode.PAYLOAD_TOO_LARGE, message: `The request body is larger than the ${limit} bytes this operation's policies accept.` });
          } else {
            this.res.destroy();
          }
        },
      );
      return;
    }
    this.inbound();
  }

  then(result: MaybePromise<StepResult>, next: (r: StepResult) => void): void {
    if (isPromise(result)) result.then(next, (err: unknown) => this.crash(err));
    else next(result);
  }

  // inbound → backend → forward without a closure while the steps are synchronous.
  inbound(): void {
    const r = runSteps(this.p.inbound, this.ex, this.p);
    if (isPromise(r)) r.then((v) => this.afterInbound(v), (err: unknown) => this.crash(err));
    else this.afterInbound(r);
  }

  afterInbound(r: StepResult): void {
    if (r !== undefined) return this.stop(r, true);
    const b = runSteps(this.p.backend, this.ex, this.p);
    if (isPromise(b)) b.then((v) => this.afterBackend(v), (err: unknown) => this.crash(err));
    else this.afterBackend(b);
  }

  afterBackend(b: StepResult): void {
    if (b !== undefined) return this.stop(b, false);
    this.forward(0);
  }

  /** A step stopped its section: answer, or run outbound on the answer (a cache hit), or go to on-error. */
  stop(stop: Stop, fromInbound: boolean): void {
    if (stop.kind === "fail") return this.failed(stop.failure);
    if (fromInbound && stop.outbound && this.p.outbound.length > 0) {
      this.ex.response = { status: stop.answer.status, headers: stop.answer.headers, body: stop.answer.body };
      this.ex.changed();
      return this.outbound();
    }
    this.send(stop.answer);
  }

  forward(attempt: number): void {
    const { ex } = this;
    const pool = this.rc.pools.get(ex.origin);
    const path = ex.basePath + ex.backendPath + (ex.rawQuery === "" ? "" : "?" + ex.rawQuery);
    // Built once: a retry sends the same headers again.
    if (this.headers === null) {
      this.headers = ex.bodyRead ? withoutFraming(ex.headers) : ex.headers;
      this.headers.push("x-request-id", ex.requestId);
    }
    const headers = this.headers;
    const body = ex.bodyRead ? ex.body : this.hasBody && attempt === 0 ? this.req : null;
    if (this.p.streamOutbound) {
      const responseHeaders: Array<[string, string]> = [["x-request-id", ex.requestId]];
      const extra = ex.answerHeaders;
      if (extra !== null) for (let i = 0; i < extra.length; i += 2) responseHeaders.push([extra[i]!.toLowerCase(), extra[i + 1]!]);
      void forward(pool, { method: ex.method, path, headers, body, timeoutMs: ex.timeoutMs, responseHeaders, onHead: (head) => this.onHead(head, attempt) }, this.res).then((outcome) => {
        this.ex.record.backendLatencyMs = Math.max(0, outcome.backendMs);
        if (this.retrying) {
          this.retrying = false;
          return this.retryAfter(attempt);
        }
        if (this.pending !== undefined) {
          const stop = this.pending;
          this.pending = undefined;
          return this.stop(stop, false);
        }
        if (outcome.kind === "timeout" && !outcome.headersSent) return this.backendFailed(attempt, "timeout");
        if (outcome.kind === "unreachable" && !outcome.headersSent) return this.backendFailed(attempt, "unreachable", outcome.error);
      });
      return;
    }
    // An outbound step reads the body: ask for it uncompressed, and read it whole.
    const plain = headers.filter((_, i, all) => (i % 2 === 0 ? all[i]!.toLowerCase() !== "accept-encoding" : all[i - 1]!.toLowerCase() !== "accept-encoding"));
    const abort = new AbortController();
    const onClose = () => {
      if (!this.res.writableFinished) abort.abort();
    };
    this.res.once("close", onClose);
    void forwardBuffered(pool, { method: ex.method, path, headers: plain, body, timeoutMs: ex.timeoutMs }, MAX_BUFFERED_RESPONSE, abort.signal).then((outcome) => {
      this.res.off("close", onClose);
      this.ex.record.backendLatencyMs = Math.max(0, outcome.backendMs);
      switch (outcome.kind) {
        case "aborted":
          return;
        case "timeout":
          return this.backendFailed(attempt, "timeout");
        case "unreachable":
          return this.backendFailed(attempt, "unreachable", outcome.error);
        case "too-large": {
          this.p.env.logger.warn("backend answer too large for outbound body policies: streamed unchanged", { requestId: ex.requestId, api: ex.api.id, limit: MAX_BUFFERED_RESPONSE });
          const out = [...outcome.headers, ...(ex.answerHeaders ?? []), "x-request-id", ex.requestId];
          this.res.writeHead(outcome.status, out);
          for (const chunk of outcome.head) this.res.write(chunk);
          largeBodies.opened();
          this.res.once("close", largeBodies.closed);
          outcome.rest.pipe(this.res);
          outcome.rest.once("error", () => this.res.destroy());
          return;
        }
        case "ok": {
          if (this.canRetry(attempt) && ex.retry!.shouldRetry(ex, outcome.status, outcome.headers)) return this.retryAfter(attempt);
          if (ex.failOnErrorStatus && outcome.status >= 400) return this.stop(backendErrorStatus(outcome.status), false);
          ex.response = { status: outcome.status, headers: outcome.headers, body: outcome.body };
          ex.changed();
          return this.outbound();
        }
      }
    });
  }

  /** Inside undici's stream factory: decide on the head, synchronously. */
  onHead(head: ResponseHead, attempt: number): boolean {
    const { ex } = this;
    if (this.canRetry(attempt) && ex.retry!.shouldRetry(ex, head.status, head.headers)) {
      this.retrying = true;
      return false;
    }
    if (ex.failOnErrorStatus && head.status >= 400) {
      this.pending = backendErrorStatus(head.status);
      return false;
    }
    // Set even without outbound steps: increment conditions read it once the call is over.
    ex.response = { status: head.status, headers: head.headers, body: null };
    ex.changed();
    if (this.p.outbound.length === 0) return true;
    const result = runSteps(this.p.outbound, ex, this.p);
    // The compiler streams only when every outbound step is synchronous.
    if (isPromise(result)) throw new Error("an asynchronous outbound step ran in the streaming path");
    if (result !== undefined) {
      this.pending = result;
      return false;
    }
    head.status = ex.response.status;
    head.headers = ex.response.headers;
    return true;
  }

  /** A retry is possible while attempts remain and the body can be sent again (it was read, or there is none). */
  canRetry(attempt: number): boolean {
    const retry = this.ex.retry;
    return retry !== null && attempt < retry.count && (this.ex.bodyRead || !this.hasBody) && !this.res.destroyed;
  }

  retryAfter(attempt: number): void {
    const retry = this.ex.retry!;
    const delay = retry.delayMs(attempt + 1);
    if (delay <= 0) return this.forward(attempt + 1);
    void this.p.env.sleep(delay).then(() => {
      if (this.res.destroyed) return;
      this.forward(attempt + 1);
    });
  }

  backendFailed(attempt: number, kind: "timeout" | "unreachable", error?: Error): void {
    const { ex } = this;
    if (this.canRetry(attempt)) return this.retryAfter(attempt);
    if (kind === "timeout") {
      return this.failed({ source: "forward-request", reason: "BackendTimeout", code: ErrorCode.BACKEND_TIMEOUT, message: "The backend did not answer in time." });
    }
    this.rc.logger.warn("backend unreachable", { requestId: ex.requestId, api: ex.api.id, origin: ex.origin, error: error?.message });
    this.failed({ source: "forward-request", reason: "BackendConnectionFailure", code: ErrorCode.BACKEND_UNREACHABLE, message: "The backend could not be reached." });
  }

  outbound(): void {
    this.then(runSteps(this.p.outbound, this.ex, this.p), (r) => {
      if (r !== undefined) return this.stop(r, false);
      const response = this.ex.response!;
      this.send({ status: response.status, headers: response.headers, body: response.body ?? Buffer.alloc(0) });
    });
  }

  /** Runs on-error on a failure; a failure inside on-error is answered as is. */
  failed(failure: PolicyFailure): void {
    const { ex, p } = this;
    this.ex.record.errorCode = failure.code;
    const answer = errorAnswer(failure, ex.requestId);
    if (p.onError.length === 0) return this.send(answer);
    ex.lastError = new CelLastError(failure.source, failure.reason, failure.message);
    ex.response = { status: answer.status, headers: answer.headers, body: answer.body };
    ex.changed();
    this.then(runSteps(p.onError, ex, p), (r) => {
      if (r?.kind === "respond") return this.send(r.answer);
      if (r?.kind === "fail") {
        ex.record.errorCode = r.failure.code;
        return this.send(errorAnswer(r.failure, ex.requestId));
      }
      const response = ex.response!;
      this.send({ status: response.status, headers: response.headers, body: response.body ?? Buffer.alloc(0) });
    });
  }

  crash(err: unknown): void {
    this.rc.logger.error("policy pipeline failed", { requestId: this.ex.requestId, error: err instanceof Error ? err.message : String(err) });
    this.send(errorAnswer({ source: "gateway", reason: "InternalError", code: ErrorCode.INTERNAL, message: "The gateway failed to process this call." }, this.ex.requestId));
  }

  send(answer: Answer): void {
    const { res, ex } = this;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const out: string[] = [];
    const h = answer.headers;
    for (let i = 0; i < h.length; i += 2) if (!FRAMING.has(h[i]!.toLowerCase())) out.push(h[i]!, h[i + 1]!);
    const extra = ex.answerHeaders;
    if (extra !== null) for (let i = 0; i < extra.length; i++) out.push(extra[i]!);
    // 204 and 304 carry no body and, per RFC 9110, no Content-Length.
    const bodiless = answer.status === 204 || answer.status === 304;
    out.push("x-request-id", ex.requestId);
    if (!bodiless) out.push("content-length", String(answer.body.length));
    ex.response = { status: answer.status, headers: out, body: answer.body };
    ex.changed();
    res.writeHead(answer.status, out);
    res.end(ex.method === "HEAD" || bodiless ? undefined : answer.body);
  }
}

class BodyTooLarge extends Error {}

/** The request headers without the caller's framing: a body read (and maybe changed) by policies is sent with its own length. */
function withoutFraming(headers: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    if (name !== "content-length" && name !== "transfer-encoding") out.push(headers[i]!, headers[i + 1]!);
  }
  return out;
}

function backendErrorStatus(status: number): Stop {
  return {
    kind: "fail",
    failure: { source: "forward-request", reason: "BackendErrorStatus", code: ErrorCode.BACKEND_ERROR, message: `The backend answered with status ${status}.` },
  };
}

/** Reads the request body whole, refusing more than `limit` bytes (by Content-Length up front, or as it arrives). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      if (!req.complete) onError(new Error("the caller closed the connection while sending the body"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
    req.once("close", onClose);
  });
}
