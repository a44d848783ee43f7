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

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/** A minimal JSON-RPC 2.0 client over WebSocket, with Substrate-style subscriptions. */
export class WsRpcClient {
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<string, (result: unknown) => void>();
  /** Notifications that arrived before their subscription id was known to us. */
  private readonly early = new Map<string, unknown[]>();

  private constructor(ws: WebSocket) {
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
      ws.once("open", () => resolve(new WsRpcClient(ws)));
      ws.once("error", (e) => reject(new Error(`cannot connect to ${url}: ${e.message}`)));
    });
  }

  call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
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
