/**
 * A small HTTP/1.1 load generator on raw keep-alive sockets, run as its own
 * process (pinned to its own core by run.ts).
 *
 * - `open` mode (fixed rate, open loop): request i is due at t0 + i/rate,
 *   whatever the answers. It goes out on an idle connection at once, or
 *   waits for one; its latency is measured from the time it was due, not
 *   from when it was sent, so a stall of the server counts against every
 *   request it delayed (the coordinated-omission correction of wrk2 and
 *   HdrHistogram). The schedule is kept by spinning on the event loop
 *   (setImmediate), which costs this process its core but keeps the send
 *   lag in microseconds; the lag is reported.
 * - `closed` mode: `connections` callers each send the next request as
 *   soon as the previous answer is in, for `durationS`; then it waits for
 *   every request in flight, so the counts are exact (used by the usage
 *   check).
 *
 *   node test/bench/loadgen.ts '<json options>'   → one JSON line on stdout
 */
import net from "node:net";

export interface LoadOptions {
  mode: "open" | "closed";
  host: string;
  port: number;
  path: string;
  headers?: Record<string, string>;
  connections: number;
  /** Calls per second (open mode). */
  rate?: number;
  warmupS: number;
  durationS: number;
}

export interface LoadResult {
  mode: "open" | "closed";
  /** Requests answered with 2xx, in the measured part. */
  ok: number;
  non2xx: number;
  errors: number;
  /** Requests still unanswered 5 s after the end (open mode). */
  unanswered: number;
  durationS: number;
  rps: number;
  /** Latency from the scheduled time (open) or the send (closed), in ms. */
  latency: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** How late requests left the generator versus their schedule (open mode), in ms: the generator's own lateness plus waiting for a free connection. */
  sendLag: { p50: number; p99: number; max: number };
  /** The generator's own lateness (open mode), in ms: when it noticed a request was due. Large values mean the generator was starved of CPU and the round is not trustworthy. */
  schedLag: { p50: number; p99: number; max: number };
  /** Every answered request, warm-up included (closed mode: for exact usage checks). */
  totalOk: number;
  totalNon2xx: number;
}

interface Conn {
  socket: net.Socket;
  busy: boolean;
  alive: boolean;
  buf: Buffer | null;
  /** Scheduled (or sent) time of the request in flight. */
  due: number;
  sent: number;
  measured: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  let head = `GET ${o.path} HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\nUser-Agent: portico-bench\r\nAccept: application/json\r\n`;
  for (const [k, v] of Object.entries(o.headers ?? {})) head += `${k}: ${v}\r\n`;
  const request = Buffer.from(head + "\r\n");

  const capacity = Math.ceil((o.rate ?? 50_000) * (o.durationS + 1) * 1.2) + 1024;
  let lat = new Float64Array(o.mode === "open" ? capacity : 1 << 20);
  let latN = 0;
  const lag = new Float64Array(o.mode === "open" ? capacity : 1);
  let lagN = 0;
  const sched = new Float64Array(o.mode === "open" ? capacity : 1);
  let schedN = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let totalOk = 0;
  let totalNon2xx = 0;
  let inFlight = 0;

  const idle: Conn[] = [];
  const waiting: number[] = []; // due times of requests waiting for a connection (open mode)
  let waitHead = 0;
  let stopping = false;
  let measureFrom = Infinity;
  let measureTo = Infinity;
  let onDrained: (() => void) | null = null;

  const push = (ms: number) => {
    if (latN === lat.length) {
      const bigger = new Float64Array(lat.length * 2);
      bigger.set(lat);
      lat = bigger;
    }
    lat[latN++] = ms;
  };

  const send = (c: Conn, due: number) => {
    const now = performance.now();
    c.busy = true;
    c.due = due;
    c.sent = now;
    c.measured = due >= measureFrom && due < measureTo;
    if (c.measured && o.mode === "open") lag[lagN++] = now - due;
    inFlight++;
    c.socket.write(request);
  };

  const release = (c: Conn) => {
    c.busy = false;
    if (o.mode === "open") {
      if (waitHead < waiting.length) {
        const due = waiting[waitHead++]!;
        if (waitHead > 4096 && waitHead * 2 > waiting.length) {
          waiting.splice(0, waitHead);
          waitHead = 0;
        }
        return send(c, due);
      }
      idle.push(c);
    } else if (!stopping) {
      send(c, performance.now());
    }
    if (inFlight === 0 && stopping && onDrained) onDrained();
  };

  const complete = (c: Conn, status: number) => {
    const now = performance.now();
    inFlight--;
    const good = status >= 200 && status < 300;
    if (good) totalOk++;
    else totalNon2xx++;
    if (c.measured) {
      if (good) ok++;
      else non2xx++;
      push(now - (o.mode === "open" ? c.due : c.sent));
    }
    release(c);
  };

  const onData = (c: Conn, chunk: Buffer) => {
    const buf = c.buf === null ? chunk : Buffer.concat([c.buf, chunk]);
    const end = buf.indexOf("\r\n\r\n");
    if (end === -1) {
      c.buf = buf;
      return;
    }
    const status = (buf[9]! - 48) * 100 + (buf[10]! - 48) * 10 + (buf[11]! - 48);
    const headText = buf.toString("latin1", 0, end).toLowerCase();
    const cl = headText.indexOf("\r\ncontent-length:");
    let total: number;
    if (cl !== -1) {
      const lineEnd = headText.indexOf("\r\n", cl + 2);
      total = end + 4 + Number(headText.slice(cl + 17, lineEnd === -1 ? undefined : lineEnd).trim());
    } else if (headText.includes("\r\ntransfer-encoding: chunked")) {
      const term = buf.indexOf("\r\n0\r\n\r\n", end);
      total = term === -1 ? Infinity : term + 7;
    } else {
      total = end + 4;
    }
    if (buf.length < total) {
      c.buf = buf;
      return;
    }
    c.buf = null;
    complete(c, status);
  };

  const connect = (): Promise<Conn> =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host: o.host, port: o.port, noDelay: true });
      const c: Conn = { socket, busy: false, alive: true, buf: null, due: 0, sent: 0, measured: false };
      socket.once("connect", () => resolve(c));
      socket.on("data", (chunk: Buffer) => onData(c, chunk));
      socket.on("error", (err) => {
        if (!c.alive) return;
        reject(err);
      });
      socket.on("close", () => {
        c.alive = false;
        const i = idle.indexOf(c);
        if (i !== -1) idle.splice(i, 1);
        if (c.busy) {
          c.busy = false;
          inFlight--;
          errors++;
          if (inFlight === 0 && stopping && onDrained) onDrained();
        }
        // Replace a connection the server closed, while the run goes on.
        if (!stopping) void connect().then(release, () => {});
      });
    });

  const conns = await Promise.all(Array.from({ length: o.connections }, connect));
  const start = performance.now() + 5;
  measureFrom = start + o.warmupS * 1000;
  measureTo = measureFrom + o.durationS * 1000;

  if (o.mode === "open") {
    idle.push(...conns);
    const interval = 1000 / o.rate!;
    let i = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        let due = start + i * interval;
        while (due <= now && due < measureTo) {
          if (due >= measureFrom) sched[schedN++] = now - due;
          const c = idle.shift();
          if (c !== undefined) send(c, due);
          else waiting.push(due);
          i++;
          due = start + i * interval;
        }
        if (due >= measureTo) return resolve();
        setImmediate(tick);
      };
      const wait = () => (performance.now() >= start ? tick() : setImmediate(wait));
      wait();
    });
  } else {
    while (performance.now() < start) await new Promise((r) => setImmediate(r));
    for (const c of conns) send(c, performance.now());
    await new Promise((r) => setTimeout(r, measureTo - performance.now()));
  }
  stopping = true;
  let unanswered = 0;
  if (inFlight > 0 || waitHead < waiting.length) {
    await new Promise<void>((resolve) => {
      onDrained = () => {
        if (waitHead >= waiting.length) resolve();
      };
      setTimeout(resolve, 5_000).unref();
    });
    unanswered = inFlight + (waiting.length - waitHead);
  }
  for (const c of conns) c.socket.destroy();
  const sorted = lat.slice(0, latN).sort();
  const lags = lag.slice(0, lagN).sort();
  const scheds = sched.slice(0, schedN).sort();
  let sum = 0;
  for (let k = 0; k < latN; k++) sum += sorted[k]!;
  return {
    mode: o.mode,
    ok,
    non2xx,
    errors,
    unanswered,
    durationS: o.durationS,
    rps: (ok + non2xx) / o.durationS,
    latency: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      p999: percentile(sorted, 99.9),
      max: latN === 0 ? NaN : sorted[latN - 1]!,
      mean: latN === 0 ? NaN : sum / latN,
    },
    sendLag: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lagN === 0 ? NaN : lags[lagN - 1]! },
    schedLag: { p50: percentile(scheds, 50), p99: percentile(scheds, 99), max: schedN === 0 ? NaN : scheds[schedN - 1]! },
    totalOk,
    totalNon2xx,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
  const result = await runLoad(options);
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}
