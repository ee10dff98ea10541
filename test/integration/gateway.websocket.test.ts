import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../gateway/src/gateway/gateway.ts";
import { hmacKeyHasher, KeyCache } from "../../gateway/src/gateway/key-cache.ts";
import { createGatewayServer } from "../../gateway/src/gateway/listener.ts";
import { api, catalog, op, product, version } from "../../gateway/src/gateway/test-catalog.ts";
import { silentLogger } from "../../gateway/src/log.ts";
import { listen } from "../../gateway/src/server/http.ts";

/** A minimal WebSocket backend: completes the handshake and answers each short text frame with "echo: <text>". */
function wsBackend(): Server {
  const server = createServer((_req, res) => res.end("not a websocket"));
  server.on("upgrade", (req, socket: Socket) => {
    const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Seen-Key: ${req.headers["ocp-apim-subscription-key"] ?? "none"}\r\n\r\n`);
    socket.on("data", (frame: Buffer) => {
      const opcode = frame[0]! & 0x0f;
      if (opcode === 0x8) return socket.end(Buffer.from([0x88, 0x00]));
      const len = frame[1]! & 0x7f;
      const mask = frame.subarray(2, 6);
      const text = Buffer.from(frame.subarray(6, 6 + len).map((b, i) => b ^ mask[i % 4]!)).toString();
      const reply = Buffer.from(`echo: ${text}`);
      socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
    });
  });
  return server;
}

let backend: Server;
let gatewayServer: Server;
let gateway: Gateway;
let gatewayPort: number;
const hash = hmacKeyHasher("ws-secret");

beforeAll(async () => {
  backend = wsBackend();
  const backendPort = await listen(backend, 0, "127.0.0.1");
  const keys = new KeyCache(hash);
  keys.replaceAll([{ hash: hash("good-key"), slot: "primary", subscriptionId: "s1", productId: "live", userId: "u1", expiresAt: null }]);
  gateway = createGateway({ logger: silentLogger, keys, usage: { record() {} }, trustedProxies: [] });
  gateway.configure(catalog([api("live", "/live", [version("", `http://127.0.0.1:${backendPort}/ws-root`, [op("get", "/feed")])])], [product("live", ["live"])]));
  gatewayServer = createGatewayServer(gateway, silentLogger);
  gatewayPort = await listen(gatewayServer, 0, "127.0.0.1");
});

afterAll(async () => {
  gatewayServer.closeAllConnections();
  gatewayServer.close();
  backend.closeAllConnections();
  backend.close();
  await gateway.close();
});

function open(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: string[] } | { error: string }> {
  return new Promise((resolve) => {
    // Node's WebSocket takes extra handshake headers through the undici-style options object.
    const ws = new WebSocket(url, { headers } as unknown as string[]);
    const messages: string[] = [];
    ws.onmessage = (e) => messages.push(String(e.data));
    ws.onopen = () => resolve({ ws, messages });
    ws.onerror = () => resolve({ error: "refused" });
  });
}

describe("gateway: WebSocket upgrades", () => {
  it("passes an authenticated upgrade through and relays frames both ways", async () => {
    const opened = await open(`ws://127.0.0.1:${gatewayPort}/live/feed`, { "Ocp-Apim-Subscription-Key": "good-key" });
    if ("error" in opened) throw new Error("upgrade failed");
    opened.ws.send("hello drone");
    await new Promise((r) => setTimeout(r, 200));
    expect(opened.messages).toEqual(["echo: hello drone"]);
    opened.ws.close();
  });

  it("refuses an upgrade without a key before the backend sees it", async () => {
    const opened = await open(`ws://127.0.0.1:${gatewayPort}/live/feed`);
    expect(opened).toEqual({ error: "refused" });
  });

  it("answers a refused upgrade with the JSON error and never forwards the key", async () => {
    const { connect } = await import("node:net");
    const raw = await new Promise<string>((resolve) => {
      const s = connect(gatewayPort, "127.0.0.1");
      let out = "";
      s.on("data", (d) => (out += d));
      s.on("close", () => resolve(out));
      s.write("GET /live/feed HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOcp-Apim-Subscription-Key: wrong\r\n\r\n");
    });
    expect(raw.startsWith("HTTP/1.1 401 ")).toBe(true);
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toMatchObject({ statusCode: 401, code: "INVALID_SUBSCRIPTION_KEY" });
    const good = await new Promise<string>((resolve) => {
      const s = connect(gatewayPort, "127.0.0.1");
      let out = "";
      s.on("data", (d) => {
        out += d;
        if (out.includes("\r\n\r\n")) s.destroy();
      });
      s.on("close", () => resolve(out));
      s.write("GET /live/feed HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOcp-Apim-Subscription-Key: good-key\r\n\r\n");
    });
    expect(good.startsWith("HTTP/1.1 101 ")).toBe(true);
    expect(good.toLowerCase()).toContain("x-seen-key: none");
  });
});
