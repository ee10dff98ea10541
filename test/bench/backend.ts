/**
 * The bench's backend: node:http answering every request with the same
 * small JSON body (keep-alive, Content-Length), so that every scenario
 * proxies exactly the same answer. Prints `{"port": N}` once listening.
 *
 *   node test/bench/backend.ts [port]
 */
import { createServer } from "node:http";

const BODY = Buffer.from(JSON.stringify({ id: "item-42", name: "Portico bench item", price: 12.5, tags: ["a", "b"], ok: true }));
const HEADERS = { "content-type": "application/json", "content-length": String(BODY.length) };

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  // Drain any request body, then answer.
  if (req.headers["content-length"] !== undefined || req.headers["transfer-encoding"] !== undefined) {
    req.resume();
    req.once("end", () => {
      res.writeHead(200, HEADERS);
      res.end(BODY);
    });
    return;
  }
  res.writeHead(200, HEADERS);
  res.end(BODY);
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(JSON.stringify({ port: typeof address === "object" && address !== null ? address.port : 0 }) + "\n");
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
