import { ClientError } from "./errors.ts";
import { parseResponse } from "./jsonRpc.ts";
import type { Subscription, Transport } from "./transport.ts";

/** JSON-RPC over HTTP POST with the global `fetch` (browsers, Node ≥ 18). No subscriptions. */
export class HttpTransport implements Transport {
  readonly url: string;
  private readonly timeoutMs: number;
  private nextId = 1;

  constructor(url: string, opts: { timeoutMs?: number } = {}) {
    this.url = url;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async request(method: string, params: readonly unknown[]): Promise<unknown> {
    const id = this.nextId++;
    let text: string;
    try {
      const res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const timedOut = (e as Error).name === "TimeoutError";
      throw new ClientError(timedOut ? "TIMEOUT" : "CONNECTION_FAILED", `${method} to ${this.url}: ${(e as Error).message}`, { method, url: this.url });
    }
    return parseResponse(method, text).result;
  }

  subscribe(method: string): Promise<Subscription> {
    return Promise.reject(new ClientError("NOT_SUPPORTED", `${method}: subscriptions need a WebSocket URL (ws:// or wss://)`, { method }));
  }

  close(): void {}
}
