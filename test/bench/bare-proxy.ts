/**
 * The reference proxy of DESIGN §4: a bare `node:http` server piping undici's
 * `Pool.stream()` into the raw response, with the same hop-by-hop cleaning
 * and X-Forwarded-For a real proxy needs, and nothing else (no routing, no
 * keys, no policies, no usage). Run alone, it prints `{"port": N}` once
 * listening.
 *
 *   node test/bench/bare-proxy.ts <backend-url> [port]
 */
import { createServer, type Server } from "node:http";
import { Pool } from "undici";

const HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"]);

export function createBareProxy(backend: string): { server: Server; pool: Pool } {
  const pool = new Pool(backend, { connections: 256, pipelining: 1, keepAliveTimeout: 4_000 });
  const server = createServer((req, res) => {
    const raw = req.rawHeaders;
    const headers: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (!HOP.has(raw[i]!.toLowerCase())) headers.push(raw[i]!, raw[i + 1]!);
    headers.push("x-forwarded-for", req.socket.remoteAddress ?? "");
    const hasBody = req.headers["content-length"] !== undefined ? req.headers["content-length"] !== "0" : req.headers["transfer-encoding"] !== undefined;
    pool
      .stream({ path: req.url ?? "/", method: (req.method ?? "GET") as "GET", headers, body: hasBody ? req : null }, ({ statusCode, headers: h }) => {
        const out: string[] = [];
        for (const name in h) {
          if (HOP.has(name)) continue;
          const v = h[name];
          if (v === undefined) continue;
          if (Array.isArray(v)) for (const x of v) out.push(name, x);
          else out.push(name, v);
        }
        res.writeHead(statusCode, out);
        return res;
      })
      .catch(() => {
        if (!res.headersSent) {
          res.writeHead(502, { "content-type": "application/json" });
          res.end('{"statusCode":502}');
        } else res.destroy();
      });
  });
  server.keepAliveTimeout = 60_000;
  return { server, pool };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const backend = process.argv[2];
  if (backend === undefined) throw new Error("usage: bare-proxy.ts <backend-url> [port]");
  const { server, pool } = createBareProxy(backend);
  server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
    const address = server.address();
    process.stdout.write(JSON.stringify({ port: typeof address === "object" && address !== null ? address.port : 0 }) + "\n");
  });
  process.on("SIGTERM", () => {
    server.closeAllConnections();
    server.close(() => void pool.close().then(() => process.exit(0)));
  });
}
