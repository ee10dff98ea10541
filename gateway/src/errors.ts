/**
 * The one list of error codes that Portico answers with, on the gateway and
 * on the management API alike, and the one body shape that carries them.
 *
 * The body keeps Azure API Management's `statusCode` and `message` fields so
 * that APIM clients work unchanged, and adds a stable `code` and the
 * `requestId` that also appears in the logs.
 */

export const ErrorCode = {
  // 400
  BAD_REQUEST: "BAD_REQUEST",
  VALIDATION_FAILED: "VALIDATION_FAILED",
  MALFORMED_URL: "MALFORMED_URL",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  AMBIGUOUS_LENGTH: "AMBIGUOUS_LENGTH",
  CONTENT_INVALID: "CONTENT_INVALID",
  // 401
  MISSING_SUBSCRIPTION_KEY: "MISSING_SUBSCRIPTION_KEY",
  INVALID_SUBSCRIPTION_KEY: "INVALID_SUBSCRIPTION_KEY",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  INVALID_TOKEN: "INVALID_TOKEN",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  // 403
  FORBIDDEN: "FORBIDDEN",
  ORIGIN_REFUSED: "ORIGIN_REFUSED",
  QUOTA_EXCEEDED: "QUOTA_EXCEEDED",
  IP_FORBIDDEN: "IP_FORBIDDEN",
  ACCOUNT_BLOCKED: "ACCOUNT_BLOCKED",
  EMAIL_NOT_VERIFIED: "EMAIL_NOT_VERIFIED",
  // 404
  NOT_FOUND: "NOT_FOUND",
  OPERATION_NOT_FOUND: "OPERATION_NOT_FOUND",
  API_NOT_FOUND: "API_NOT_FOUND",
  // 405, 408, 409, 413, 415, 429, 431
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  CONFLICT: "CONFLICT",
  INVALID_STATE_TRANSITION: "INVALID_STATE_TRANSITION",
  SUBSCRIPTIONS_LIMIT_REACHED: "SUBSCRIPTIONS_LIMIT_REACHED",
  PRODUCT_NOT_SUBSCRIBABLE: "PRODUCT_NOT_SUBSCRIBABLE",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "RATE_LIMITED",
  CONCURRENCY_LIMITED: "CONCURRENCY_LIMITED",
  HEADERS_TOO_LARGE: "HEADERS_TOO_LARGE",
  // 5xx
  INTERNAL: "INTERNAL",
  BACKEND_UNREACHABLE: "BACKEND_UNREACHABLE",
  BACKEND_TIMEOUT: "BACKEND_TIMEOUT",
  BACKEND_ERROR: "BACKEND_ERROR",
  JWKS_UNAVAILABLE: "JWKS_UNAVAILABLE",
  STORE_UNAVAILABLE: "STORE_UNAVAILABLE",
  NOT_READY: "NOT_READY",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_URL: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  AMBIGUOUS_LENGTH: 400,
  CONTENT_INVALID: 400,
  MISSING_SUBSCRIPTION_KEY: 401,
  INVALID_SUBSCRIPTION_KEY: 401,
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  ORIGIN_REFUSED: 403,
  QUOTA_EXCEEDED: 403,
  IP_FORBIDDEN: 403,
  ACCOUNT_BLOCKED: 403,
  EMAIL_NOT_VERIFIED: 403,
  NOT_FOUND: 404,
  OPERATION_NOT_FOUND: 404,
  API_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  INVALID_STATE_TRANSITION: 409,
  SUBSCRIPTIONS_LIMIT_REACHED: 409,
  PRODUCT_NOT_SUBSCRIBABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  CONCURRENCY_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  BACKEND_UNREACHABLE: 502,
  BACKEND_TIMEOUT: 504,
  BACKEND_ERROR: 502,
  JWKS_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
};

export function codeToStatus(code: ErrorCode): number {
  return STATUS[code];
}

/** The body of every error answer, gateway and management API alike. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  requestId?: string;
  /** Per-field problems for VALIDATION_FAILED: `{path, message}`. */
  details?: Array<{ path: string; message: string }>;
}

export function errorBody(
  code: ErrorCode,
  message: string,
  requestId?: string,
  details?: ErrorBody["details"],
): ErrorBody {
  const body: ErrorBody = { statusCode: STATUS[code], code, message };
  if (requestId !== undefined) body.requestId = requestId;
  if (details !== undefined && details.length > 0) body.details = details;
  return body;
}

/**
 * Thrown by management routes to answer with an error; `onError` turns it
 * into the one body shape. Only for outcomes a route decides, never for
 * infrastructure failures (those become INTERNAL with a hidden message).
 */
export class PorticoError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: ErrorBody["details"];
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: ErrorBody["details"]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "PorticoError";
    this.code = code;
    this.status = STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** Thrown when configuration given to a factory is wrong; names what and where. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
