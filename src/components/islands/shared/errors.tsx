/**
 * Turning API failures into sentences a person can act on: a message per
 * error code (the API's own message when the portal has none), the wait of
 * a 429 counted down live, and the request id of a server error to quote.
 */
import { useEffect, useState } from "react";
import { ApiError } from "../../../lib/api-client.ts";
import type { T } from "../../../lib/client-i18n.ts";
import { useI18n } from "./i18n.tsx";

/** Codes with a portal sentence (src/i18n: `error.<CODE>`). */
const KNOWN = new Set([
  "NETWORK",
  "INVALID_CREDENTIALS",
  "ACCOUNT_BLOCKED",
  "EMAIL_NOT_VERIFIED",
  "INVALID_TOKEN",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "INVALID_STATE_TRANSITION",
  "SUBSCRIPTIONS_LIMIT_REACHED",
  "PRODUCT_NOT_SUBSCRIBABLE",
  "VALIDATION_FAILED",
  "ORIGIN_REFUSED",
  "INTERNAL",
  "STORE_UNAVAILABLE",
  "BACKEND_UNREACHABLE",
]);

export function errorText(err: unknown, t: T): string {
  if (!(err instanceof ApiError)) return t("error.unexpected");
  if (err.code === "RATE_LIMITED") return t("error.RATE_LIMITED");
  // Conflicts and state errors carry a specific, already human message from the API.
  if ((err.code === "CONFLICT" || err.code === "PRODUCT_NOT_SUBSCRIBABLE") && err.message) return err.message;
  if (KNOWN.has(err.code)) return t(`error.${err.code}`);
  return err.message || t("error.unexpected");
}

/** Seconds left before a throttled request may be sent again, counting down to 0. */
export function useRetryCountdown(err: unknown): number {
  const retry = err instanceof ApiError && err.code === "RATE_LIMITED" ? (err.retryAfter ?? 60) : 0;
  const [left, setLeft] = useState(retry);
  useEffect(() => {
    setLeft(retry);
    if (retry <= 0) return;
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = Math.max(0, retry - Math.floor((Date.now() - started) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [err, retry]);
  return left;
}

export function waitText(seconds: number, t: T): string {
  if (seconds >= 90) return t("error.waitMinutes", { count: Math.ceil(seconds / 60) });
  return t("error.waitSeconds", { count: seconds });
}

/** The error of a form or action, with its wait or request id; nothing when `error` is null. */
export function ErrorAlert({ error, id }: { error: unknown; id?: string }) {
  const { t } = useI18n();
  const left = useRetryCountdown(error);
  if (error === null || error === undefined) return null;
  const api = error instanceof ApiError ? error : null;
  const throttled = api?.code === "RATE_LIMITED";
  return (
    <div className="alert alert-error" role="alert" id={id} tabIndex={-1}>
      <p>
        <strong>{errorText(error, t)}</strong>
        {throttled && <> {left > 0 ? waitText(left, t) : t("error.tryAgainNow")}</>}
      </p>
      {api?.code === "VALIDATION_FAILED" && api.details.length > 0 && (
        <ul>
          {api.details.map((d) => (
            <li key={d.path}>{d.message}</li>
          ))}
        </ul>
      )}
      {api !== null && api.status >= 500 && api.requestId && <p className="small">{t("error.requestId", { id: api.requestId })}</p>}
    </div>
  );
}
