/**
 * The gateway's node:http server, hardened against hostile input: limits on
 * header size and time, slow clients cut, and parser errors answered with
 * the gateway's JSON error shape instead of Node's bare responses.
 */
import { createServer, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { ErrorCode, errorBody } from "../errors.ts";
import type { Logger } from "../log.ts";
import { newRequestId } from "../server/request-id.ts";
import type { Gateway } from "./gateway.ts";

export interface ListenerLimits {
  /** Largest request head (request line + headers) in bytes; beyond it: 431. */
  maxHeaderBytes: number;
  /** Time allowed to receive the whole request head. */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request, body included. */
  requestTimeoutMs: number;
  /** A connection that sends and receives nothing for this long is closed. */
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ListenerLimits = {
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  idleTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
};

export function createGatewayServer(gateway: Gateway, logger: Logger, limits: Partial<ListenerLimits> = {}): Server {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const server = createServer(
    {
      maxHeaderSize: l.maxHeaderBytes,
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: l.requestTimeoutMs,
      keepAliveTimeout: l.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, l.headersTimeoutMs),
      // Node refuses Content-Length together with Transfer-Encoding and
      // other smuggling shapes only with the strict parser; keep it strict.
      insecureHTTPParser: false,
      requireHostHeader: false,
    },
    gateway.handle,
  );
  server.on("upgrade", gateway.handleUpgrade);
  server.timeout = l.idleTimeoutMs;
  server.on("timeout", (socket: Duplex) => socket.destroy());

  server.on("clientError", (err: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable || (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const [code, message] = classify(err.code);
    const requestId = newRequestId();
    if (code !== ErrorCode.REQUEST_TIMEOUT) logger.debug("client error", { code: err.code, requestId });
    const body = JSON.stringify(errorBody(code, message, requestId));
    const status = errorBody(code, message).statusCode;
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        "Connection: close\r\n\r\n" +
        body,
    );
  });
  return server;
}

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };

function classify(code: string | undefined): [ErrorCode, string] {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return [ErrorCode.HEADERS_TOO_LARGE, "The request's headers are too large."];
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "HPE_HEADERS_TIMEOUT":
      return [ErrorCode.REQUEST_TIMEOUT, "The request was not received in time."];
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
    case "HPE_INVALID_TRANSFER_ENCODING":
    case "HPE_INVALID_CONTENT_LENGTH":
      return [ErrorCode.AMBIGUOUS_LENGTH, "The request's length is ambiguous: send Content-Length or Transfer-Encoding, not both, and only once."];
    case "HPE_INVALID_URL":
      return [ErrorCode.MALFORMED_URL, "The request target is not a valid URL."];
    default:
      return [ErrorCode.BAD_REQUEST, "The request is not valid HTTP/1.1."];
  }
}
