/**
 * Live reload for `portico dev`: a server-sent event stream at
 * `/_portico/dev/events`, a tiny client script at `/_portico/dev/client.js`
 * and a middleware that adds that script to every HTML page the control
 * listener serves. None of it exists outside dev mode: `portico serve`
 * never registers these routes.
 *
 * Events (each `data` is JSON):
 *   hello     {build}            on connect; a client that saw another build
 *                                id before (the stream dropped while a build
 *                                finished, or the dev server restarted) reloads
 *   building  {file, message}    a change was seen and a build started, then
 *                                one per line of build progress
 *   reload    {build, file, ms}  the new portal is served: reload the page
 *   failed    {message}          the build failed; the page shows the reason
 *                                and keeps the last good portal
 */
import type { Context, Hono, MiddlewareHandler } from "hono";

export const DEV_PREFIX = "/_portico/dev";
export const EVENTS_PATH = `${DEV_PREFIX}/events`;
export const CLIENT_PATH = `${DEV_PREFIX}/client.js`;

/** Comment lines keep idle connections open through proxies. */
const HEARTBEAT_MS = 15_000;

export type DevEvent =
  | { type: "building"; file?: string; message: string }
  | { type: "reload"; build: number; file?: string; ms: number }
  | { type: "failed"; message: string };

interface Client {
  send(chunk: string): void;
  close(): void;
}

const encoder = new TextEncoder();

function frame(event: string, data: unknown): string {
  // JSON has no raw newlines, so one `data:` line carries it.
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The browser side, served as a file (no inline script, so a strict
 * Content-Security-Policy of `script-src 'self'` still allows it).
 */
export const CLIENT_SCRIPT = `// Portico dev: reloads this page when the portal has been rebuilt.
(() => {
  const source = new EventSource(${JSON.stringify(EVENTS_PATH)});
  let build;
  let banner;
  const show = (text, failed) => {
    if (!banner) {
      banner = document.createElement("div");
      banner.setAttribute("role", "status");
      banner.style.cssText = "position:fixed;z-index:2147483647;left:1rem;bottom:1rem;max-width:min(44rem,calc(100vw - 2rem));max-height:50vh;overflow:auto;padding:.6rem .9rem;border-radius:6px;font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 6px 24px rgb(0 0 0/.3)";
      document.body.append(banner);
    }
    banner.style.background = failed ? "#7f1d1d" : "#111827";
    banner.style.color = "#ffffff";
    banner.textContent = text;
  };
  source.addEventListener("hello", (e) => {
    document.documentElement.dataset.porticoDev = "connected";
    const next = JSON.parse(e.data).build;
    if (build !== undefined && next !== build) location.reload();
    build = next;
  });
  source.addEventListener("building", (e) => {
    const d = JSON.parse(e.data);
    console.info("[portico dev] " + d.message);
    show("portico dev: " + d.message, false);
  });
  source.addEventListener("reload", (e) => {
    build = JSON.parse(e.data).build;
    location.reload();
  });
  source.addEventListener("failed", (e) => {
    const d = JSON.parse(e.data);
    console.error("[portico dev] " + d.message);
    show("portico dev: the portal did not build; the last good build is served.\\n\\n" + d.message, true);
  });
})();
`;

export class LiveReload {
  readonly #clients = new Set<Client>();
  #build = 0;

  /** Connected browsers (and tests). */
  get clients(): number {
    return this.#clients.size;
  }

  /** The id of the build being served; it changes with every successful rebuild. */
  get build(): number {
    return this.#build;
  }

  /** Sends `event` to every connected client. A reload also advances the build id. */
  publish(event: DevEvent): void {
    if (event.type === "reload") this.#build = event.build;
    const { type, ...data } = event;
    const chunk = frame(type, data);
    for (const client of this.#clients) client.send(chunk);
  }

  /** The next build id, for a `reload` event. */
  nextBuild(): number {
    return this.#build + 1;
  }

  /** Ends every stream (on shutdown, so the server can drain). */
  closeAll(): void {
    for (const client of this.#clients) client.close();
    this.#clients.clear();
  }

  #stream(c: Context): Response {
    let client: Client | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      clearInterval(heartbeat);
      if (client) this.#clients.delete(client);
    };
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        client = {
          send(chunk) {
            try {
              controller.enqueue(encoder.encode(chunk));
            } catch {
              stop();
            }
          },
          close() {
            clearInterval(heartbeat);
            try {
              controller.close();
            } catch {}
          },
        };
        this.#clients.add(client);
        client.send(`retry: 1000\n\n` + frame("hello", { build: this.#build }));
        heartbeat = setInterval(() => client!.send(`: keep-alive\n\n`), HEARTBEAT_MS);
        heartbeat.unref();
      },
      cancel: stop,
    });
    c.req.raw.signal.addEventListener("abort", stop, { once: true });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  }

  /** Registers the event stream, the client script and the page decoration on the control app. */
  register(app: Hono<any>): void {
    app.get(EVENTS_PATH, (c) => this.#stream(c));
    app.get(CLIENT_PATH, (c) => c.body(CLIENT_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" }));
    app.use("*", injectClient());
  }
}

const TAG = `<script src="${CLIENT_PATH}" defer></script>`;

/**
 * Adds the client script to HTML answers (pages and the 404 page) just
 * before `</head>`, and keeps browsers from caching pages between builds.
 */
export function injectClient(): MiddlewareHandler {
  return async function injectLiveReload(c, next) {
    await next();
    const res = c.res;
    if (c.req.method !== "GET" || !(res.headers.get("content-type") ?? "").startsWith("text/html") || res.body === null) return;
    const html = await res.text();
    const at = html.search(/<\/head>/i);
    const text = at === -1 ? html + TAG : html.slice(0, at) + TAG + html.slice(at);
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.delete("etag");
    headers.set("cache-control", "no-store");
    // Cleared first: assigning over a response copies its old headers (the old length among them).
    c.res = undefined;
    c.res = new Response(text, { status: res.status, headers });
  };
}
