/**
 * Small helpers shared by the demo backend's routes: the Hono environment
 * (the raw Node request is available as `c.env.incoming`), error answers in
 * Portico's one error shape, and parsing of query parameters.
 *
 * The demo backend answers errors with the same body as the gateway
 * (`{statusCode, code, message, requestId}`), so a client of the DroneFly
 * APIs handles one shape whichever side refused the call.
 */
import { randomUUID } from "node:crypto";
import type { HttpBindings } from "@hono/node-server";
import type { Context, Handler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorBody, ErrorCode, errorBody } from "../errors.ts";

/** `c.env` is absent when a test calls `app.request()` without a server. */
export type DemoEnv = { Bindings: Partial<HttpBindings> };
export type DemoContext = Context<DemoEnv>;

/** Options of `createDemoApp()`. */
export interface DemoAppOptions {
  /** The clock; tests inject a fixed one. Default: `() => new Date()`. */
  now?: () => Date;
}

/** The request id the gateway forwarded, or a new one for direct calls. */
export function requestIdOf(c: DemoContext): string {
  return c.req.header("x-request-id") ?? randomUUID();
}

export type Details = NonNullable<ErrorBody["details"]>;

export function sendError(c: DemoContext, code: ErrorCode, message: string, details?: Details): Response {
  const body = errorBody(code, message, requestIdOf(c), details);
  return c.json(body, body.statusCode as ContentfulStatusCode);
}

/** 400 VALIDATION_FAILED: the message names the problem when there is one, else points at `details`. */
export function sendInvalid(c: DemoContext, details: Details): Response {
  const message =
    details.length === 1
      ? `Invalid ${details[0]!.path}: ${details[0]!.message}`
      : `The request has ${details.length} invalid fields; see details.`;
  return sendError(c, ErrorCode.VALIDATION_FAILED, message, details);
}

/**
 * A catch-all for a path whose methods are all registered above it: answers
 * 405 with `Allow`, as HTTP asks, instead of a misleading 404.
 */
export function methodNotAllowed(allowed: readonly string[]): Handler<DemoEnv> {
  const allow = allowed.join(", ");
  return function methodNotAllowedHandler(c) {
    c.header("Allow", allow);
    return sendError(c, ErrorCode.METHOD_NOT_ALLOWED, `${c.req.method} is not allowed here; use ${allow}.`);
  };
}

/**
 * Reads an optional integer query parameter within bounds. Pushes a problem
 * to `details` and returns the default when the value is not acceptable.
 */
export function intQuery(
  c: DemoContext,
  name: string,
  bounds: { min: number; max: number; default: number },
  details: Details,
): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return bounds.default;
  if (!/^-?\d+$/.test(raw)) {
    details.push({ path: name, message: `Must be a whole number from ${bounds.min} to ${bounds.max}; got "${raw}".` });
    return bounds.default;
  }
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    details.push({ path: name, message: `Must be from ${bounds.min} to ${bounds.max}; got ${value}.` });
    return bounds.default;
  }
  return value;
}

/** Reads an optional query parameter that must be one of `values`. */
export function enumQuery<T extends string>(
  c: DemoContext,
  name: string,
  values: readonly T[],
  details: Details,
): T | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return undefined;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  details.push({ path: name, message: `Must be one of ${values.join(", ")}; got "${raw}".` });
  return undefined;
}
