/**
 * One call as the policies see and change it: the request about to be
 * forwarded (path, query, headers, backend, body), the answer once there is
 * one, variables, the accepted JWT's claims and the last error.
 *
 * Created only for calls whose operation has policies; a call without any
 * never allocates one. The CEL view (`cel()`) is built on first use and
 * rebuilt only after a change that it shows.
 */
import type { Api, Operation } from "../model/catalog.ts";
import type { CallRecord } from "../usage/event.ts";
import { CelApi, CelId, CelJwt, CelLastError, CelOperation, CelRequest, CelResponse, type CelContext } from "./expressions.ts";
import { headerMap, type HeaderList } from "./headers.ts";

export interface ResponseState {
  status: number;
  /** Lower-case names as undici gives them, plus what policies added. */
  headers: HeaderList;
  /** The whole body when the outbound section needs it; null while it streams. */
  body: Buffer | null;
}

/** How forward-request retries, set by the retry policy. */
export interface RetrySettings {
  /** Retries after the first attempt. */
  count: number;
  /** ms before retry n (1-based). */
  delayMs(n: number): number;
  /** Whether an answer should be retried; failures to connect always are. */
  shouldRetry(ex: Exchange, status: number, headers: HeaderList): boolean;
}

/** Something that says when the call is over: the response, or an upgraded socket. */
export interface CloseSource {
  once(event: "close", listener: () => void): unknown;
}

const NO_ERROR = new CelLastError("", "", "");
const NO_ID = new CelId("");
const NO_JWT = new CelJwt({});

export class Exchange {
  readonly requestId: string;
  readonly method: string;
  readonly clientIp: string;
  /** Path as received, without the query. */
  readonly path: string;
  readonly api: Api;
  readonly versionId: string;
  readonly operation: Operation;
  /** Path parameters of the operation's template, decoded. */
  readonly params: Record<string, string>;
  readonly subscriptionId: string | null;
  readonly userId: string | null;
  readonly productId: string | null;
  /** The usage record of the call: bandwidth quotas read its byte counts when the call is over. */
  readonly record: CallRecord;

  /** Raw path after the API (and version) prefix: what rewrite-uri replaces. */
  backendPath: string;
  /** Raw query without the subscription key: what set-query-parameter changes. */
  rawQuery: string;
  /** Headers to send to the backend (already cleaned by the gateway). */
  headers: HeaderList;
  /** Backend origin and base path: what set-backend-service replaces. */
  origin: string;
  basePath: string;
  timeoutMs: number;
  /** The request body, when a policy needs it; null when there is none or it streams. */
  body: Buffer | null = null;
  bodyRead = false;

  vars: Record<string, unknown> = {};
  jwtClaims: Record<string, unknown> | null = null;
  lastError: CelLastError | null = null;
  response: ResponseState | null = null;
  /** Headers added to whatever answer goes out, errors included (CORS). */
  answerHeaders: HeaderList | null = null;
  retry: RetrySettings | null = null;
  /** Set by forward-request: a 4xx/5xx from the backend goes to on-error. */
  failOnErrorStatus = false;
  /** Set by cache-lookup on a miss, for cache-store. */
  cacheKey: string | null = null;

  #cel: CelContext | null = null;
  #finishers: Array<(ex: Exchange) => void> | null = null;
  #closeSource: CloseSource;

  constructor(init: {
    requestId: string;
    method: string;
    clientIp: string;
    path: string;
    api: Api;
    versionId: string;
    operation: Operation;
    params: Record<string, string>;
    subscriptionId: string | null;
    userId: string | null;
    productId: string | null;
    record: CallRecord;
    backendPath: string;
    rawQuery: string;
    headers: HeaderList;
    origin: string;
    basePath: string;
    timeoutMs: number;
    closeSource: CloseSource;
  }) {
    this.requestId = init.requestId;
    this.method = init.method;
    this.clientIp = init.clientIp;
    this.path = init.path;
    this.api = init.api;
    this.versionId = init.versionId;
    this.operation = init.operation;
    this.params = init.params;
    this.subscriptionId = init.subscriptionId;
    this.userId = init.userId;
    this.productId = init.productId;
    this.record = init.record;
    this.backendPath = init.backendPath;
    this.rawQuery = init.rawQuery;
    this.headers = init.headers;
    this.origin = init.origin;
    this.basePath = init.basePath;
    this.timeoutMs = init.timeoutMs;
    this.#closeSource = init.closeSource;
  }

  /** The expression context; built on first use, rebuilt after `changed()`. */
  cel(): CelContext {
    if (this.#cel !== null) return this.#cel;
    const query = parseQuery(this.rawQuery);
    const r = this.response;
    this.#cel = {
      request: new CelRequest(
        this.method,
        this.path,
        this.rawQuery === "" ? this.path : `${this.path}?${this.rawQuery}`,
        headerMap(this.headers),
        query,
        this.clientIp,
        this.body === null ? "" : this.body.toString("utf8"),
      ),
      response: new CelResponse(BigInt(r?.status ?? 0), r === null ? {} : headerMap(r.headers)),
      subscription: this.subscriptionId === null ? NO_ID : new CelId(this.subscriptionId),
      user: this.userId === null ? NO_ID : new CelId(this.userId),
      product: this.productId === null ? NO_ID : new CelId(this.productId),
      api: new CelApi(this.api.id, this.versionId),
      operation: new CelOperation(this.operation.id, this.operation.method.toUpperCase(), this.operation.path),
      jwt: this.jwtClaims === null ? NO_JWT : new CelJwt(this.jwtClaims),
      vars: this.vars,
      lastError: this.lastError ?? NO_ERROR,
    };
    return this.#cel;
  }

  /** Call after changing anything the CEL view shows (headers, query, body, response, claims, lastError). */
  changed(): void {
    this.#cel = null;
  }

  /** Runs `fn` once the call is over (answer sent or connection gone): counting, releasing slots. */
  onFinish(fn: (ex: Exchange) => void): void {
    if (this.#finishers === null) {
      this.#finishers = [];
      this.#closeSource.once("close", () => {
        for (const f of this.#finishers!) f(this);
      });
    }
    this.#finishers.push(fn);
  }
}

/** First value of each query parameter, decoded (`+` as space). */
export function parseQuery(rawQuery: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (rawQuery === "") return out;
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodePart(eq === -1 ? pair : pair.slice(0, eq));
    if (!Object.hasOwn(out, name)) out[name] = eq === -1 ? "" : decodePart(pair.slice(eq + 1));
  }
  return out;
}

function decodePart(s: string): string {
  if (!s.includes("%") && !s.includes("+")) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}
