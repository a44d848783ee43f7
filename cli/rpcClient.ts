import WebSocket from "ws";

export class RpcClientError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(`${code}: ${message}${data !== undefined ? `: ${typeof data === "string" ? data : JSON.stringify(data)}` : ""}`);
    this.code = code;
    this.data = data;
  }
}

/** The node's answer to a call over its connection's rate limit (Substrate's code). */
const RATE_LIMITED = -32999;
/**
 * Waits before re-sending a refused call: doubling from 250 ms to 2 s, 30 times at most (about a
 * minute), as the node refills a connection's budget continuously (100 calls a second by default).
 * The CLI's long runs (`device simulate` registering thousands of devices) slow down to the
 * node's limit instead of failing on it.
 */
const RATE_LIMIT_RETRY_FIRST_MS = 250;
const RATE_LIMIT_RETRY_MAX_MS = 2000;
const RATE_LIMIT_RETRIES = 30;

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** A minimal JSON-RPC 2.0 client over WebSocket, with Substrate-style subscriptions. */
export class WsRpcClient {
  readonly url: string;
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<string, (result: unknown) => void>();
  /** Notifications that arrived before their subscription id was known to us. */
  private readonly early = new Map<string, unknown[]>();

  private constructor(url: string, ws: WebSocket) {
    this.url = url;
    this.ws = ws;
    ws.on("message", (data) => this.onMessage(data.toString()));
    ws.on("close", () => {
      for (const p of this.pending.values()) p.reject(new Error("connection closed"));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<WsRpcClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(new WsRpcClient(url, ws)));
      ws.once("error", (e) => reject(new Error(`cannot connect to ${url}: ${e.message}`)));
    });
  }

  /** Calls `method`; a call refused by the node's rate limit (-32999) is sent again after a pause. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce<T>(method, params);
      } catch (error) {
        if (!(error instanceof RpcClientError) || error.code !== RATE_LIMITED || attempt >= RATE_LIMIT_RETRIES) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(RATE_LIMIT_RETRY_MAX_MS, RATE_LIMIT_RETRY_FIRST_MS * 2 ** attempt)));
      }
    }
  }

  private callOnce<T>(method: string, params: unknown[]): Promise<T> {
    // Closed while a refused call waited to be retried: nothing would ever answer it.
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error("connection closed"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  /** Subscribes; `onNotification` gets each `result`. Returns the subscription id. */
  async subscribe(method: string, params: unknown[], onNotification: (result: unknown) => void): Promise<string> {
    const id = String(await this.call(method, params));
    this.subscriptions.set(id, onNotification);
    for (const result of this.early.get(id) ?? []) onNotification(result);
    this.early.delete(id);
    return id;
  }

  close(): void {
    this.ws.close();
  }

  private onMessage(text: string): void {
    const msg = JSON.parse(text) as {
      id?: number;
      result?: unknown;
      error?: { code: number; message: string; data?: unknown };
      params?: { subscription: string | number; result: unknown };
    };
    if (msg.id !== undefined && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id) as Pending;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new RpcClientError(msg.error.code, msg.error.message, msg.error.data));
      else p.resolve(msg.result);
      return;
    }
    if (msg.params) {
      const id = String(msg.params.subscription);
      const handler = this.subscriptions.get(id);
      if (handler) handler(msg.params.result);
      else this.early.set(id, [...(this.early.get(id) ?? []), msg.params.result]);
    }
  }
}
