/**
 * Request ids: passed on when the caller sends a sane one, generated
 * otherwise, and returned to the caller in `X-Request-Id`.
 */
import { randomBytes } from "node:crypto";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// A counter behind a random per-process prefix is unique, cheap on the hot
// path (no syscall per request), and sorts by arrival within one process.
const prefix = randomBytes(6).toString("base64url");
let counter = 0;

export function newRequestId(): string {
  counter = (counter + 1) % 0x7fffffff;
  return `${prefix}-${counter.toString(36)}`;
}

/** The caller's id when it is well-formed, otherwise a fresh one. */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  return typeof header === "string" && SANE_ID.test(header) ? header : newRequestId();
}
