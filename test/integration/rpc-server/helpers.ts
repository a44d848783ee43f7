/** Real-socket clients for the RPC server tests: `fetch` for HTTP, `ws` for WebSocket. */
import { WebSocket } from "ws";
import { nullLogger } from "../../../primitives/logger.ts";
import { RpcServer } from "../../../rpc/server/index.ts";
import type { RpcMetrics, RpcServerOpts } from "../../../rpc/server/index.ts";

export const HEALTH = { peers: 0, isSyncing: false, shouldHavePeers: false };

export interface Started {
  server: RpcServer;
  url: string;
  wsUrl: string;
}

/** A server on 127.0.0.1, port 0, with `register` applied before it listens. */
export async function startServer(
  opts: Partial<RpcServerOpts> = {},
  register: (server: RpcServer) => void = () => {},
  metrics: RpcMetrics | null = null,
): Promise<Started> {
  const server = new RpcServer({ host: "127.0.0.1", port: 0, ...opts }, { logger: nullLogger(), metrics, health: () => HEALTH });
  register(server);
  const { host, port } = await server.listen();
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return { server, url: `http://${hostPart}:${port}/`, wsUrl: `ws://${hostPart}:${port}/` };
}

/** A JSON-RPC response or notification, as the tests read them. */
export interface RpcMessage {
  jsonrpc: string;
  id?: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  method?: string;
  params?: { subscription: string; result?: unknown; error?: { code: number; message: string; data?: unknown } };
}

export interface HttpAnswer {
  status: number;
  text: string;
  headers: Headers;
  /** The parsed body; undefined when the body is empty or not JSON. */
  json: unknown;
}

export async function post(url: string, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  const text = await res.text();
  const isJson = (res.headers.get("content-type") ?? "").startsWith("application/json");
  return { status: res.status, text, headers: res.headers, json: isJson && text !== "" ? JSON.parse(text) : undefined };
}

/** A WebSocket client that queues every message it receives, in arrival order. */
export class WsClient {
  readonly socket: WebSocket;
  private readonly queue: unknown[] = [];
  private waiter: (() => void) | null = null;
  private nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      this.queue.push(JSON.parse(String(data)));
      this.waiter?.();
    });
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<WsClient> {
    const socket = new WebSocket(url, { headers });
    const client = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
      socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    return client;
  }

  /** The next message, waiting up to `timeoutMs`. */
  async next<T = RpcMessage>(timeoutMs = 2000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no message within timeout");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.queue.shift() as T;
  }

  /** Messages received so far and not yet read. */
  pending(): number {
    return this.queue.length;
  }

  send(text: string | Buffer, binary = false): void {
    this.socket.send(text, { binary });
  }

  /** Sends a request and returns the next message (the tests keep one call in flight at a time). */
  async call(method: string, params?: unknown): Promise<RpcMessage> {
    const id = this.nextId++;
    this.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return this.next();
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once("close", () => resolve()));
    this.socket.close();
    await closed;
  }
}

/** Resolves when `predicate` holds, polling every 5 ms for up to `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met within timeout");
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function rpc(method: string, params?: unknown, id: number | string | null = 1): string {
  return JSON.stringify({ jsonrpc: "2.0", id, method, params });
}
