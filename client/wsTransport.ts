import { ClientError } from "./errors.ts";
import { parseMessage, resultOf } from "./jsonRpc.ts";
import type { Subscription, Transport } from "./transport.ts";

export interface WsTransportOpts {
  /** A call without an answer after this long fails with `TIMEOUT` (default 30 s). */
  timeoutMs?: number;
  /** First wait before reconnecting after the connection drops; doubles up to `maxReconnectDelayMs` (defaults 250 ms, 5 s). */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Called after each reconnect, once every subscription is renewed. */
  onReconnect?: () => void;
}

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** A subscription as the transport keeps it, to renew it after a reconnect. */
class LiveSubscription implements Subscription {
  id = "";
  active = true;
  private readonly transport: WsTransport;
  readonly method: string;
  readonly params: readonly unknown[];
  readonly unsubscribeMethod: string;
  readonly onNotification: (result: unknown) => void;

  constructor(transport: WsTransport, method: string, params: readonly unknown[], unsubscribeMethod: string, onNotification: (result: unknown) => void) {
    this.transport = transport;
    this.method = method;
    this.params = params;
    this.unsubscribeMethod = unsubscribeMethod;
    this.onNotification = onNotification;
  }

  async unsubscribe(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    await this.transport.drop(this);
  }
}

/**
 * JSON-RPC over the global `WebSocket` (browsers, Node ≥ 22). When the connection drops it
 * reconnects with backoff and subscribes again (notifications missed meanwhile are lost; a
 * subscription to heads resumes with the next head); calls in flight when it dropped fail with
 * `CONNECTION_FAILED`, since the client cannot know whether the node applied them.
 */
/** Notifications kept for a subscription whose id is not known yet, and how many such ids at once. */
const MAX_EARLY_NOTIFICATIONS = 64;
const MAX_EARLY_SUBSCRIPTIONS = 16;

export class WsTransport implements Transport {
  readonly url: string;
  private readonly opts: Required<Omit<WsTransportOpts, "onReconnect">> & Pick<WsTransportOpts, "onReconnect">;
  private socket: WebSocket | null = null;
  /** Resolves when the current (re)connection opens; null once closed for good. */
  private opening: Promise<void> | null = null;
  private closed = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Set<LiveSubscription>();
  private readonly byId = new Map<string, LiveSubscription>();
  /** Notifications that arrived before their subscription's id was known. */
  private readonly early = new Map<string, unknown[]>();
  /** Subscribe calls awaiting their answer: early notifications are kept only meanwhile. */
  private subscribing = 0;
  private reconnects = 0;

  private constructor(url: string, opts: WsTransportOpts) {
    this.url = url;
    this.opts = { timeoutMs: opts.timeoutMs ?? 30_000, reconnectDelayMs: opts.reconnectDelayMs ?? 250, maxReconnectDelayMs: opts.maxReconnectDelayMs ?? 5000, onReconnect: opts.onReconnect };
  }

  /** Opens the connection; rejects with `CONNECTION_FAILED` if the first attempt fails. */
  static async connect(url: string, opts: WsTransportOpts = {}): Promise<WsTransport> {
    const transport = new WsTransport(url, opts);
    transport.opening = transport.open();
    await transport.opening;
    return transport;
  }

  /** How many times the connection was re-established. */
  get reconnectCount(): number {
    return this.reconnects;
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(this.url);
      } catch (e) {
        reject(new ClientError("CONNECTION_FAILED", `cannot connect to ${this.url}: ${(e as Error).message}`, { url: this.url }));
        return;
      }
      let opened = false;
      socket.addEventListener("open", () => {
        opened = true;
        // Closed while connecting: this socket would outlive the client and keep its process alive.
        if (this.closed) {
          socket.close();
          reject(new ClientError("CLOSED", `the client of ${this.url} was closed`, { url: this.url }));
          return;
        }
        this.socket = socket;
        resolve();
      });
      socket.addEventListener("message", (event) => this.onMessage(String(event.data)));
      socket.addEventListener("close", () => {
        if (!opened) reject(new ClientError("CONNECTION_FAILED", `cannot connect to ${this.url}`, { url: this.url }));
        else this.onDrop(socket);
      });
    });
  }

  private onDrop(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ClientError(this.closed ? "CLOSED" : "CONNECTION_FAILED", `${p.method}: the connection to ${this.url} closed before the answer`, { method: p.method }));
      this.pending.delete(id);
    }
    this.byId.clear();
    this.early.clear();
    if (this.closed) return;
    const opening = this.reconnect();
    // Handled here as well: if the client is closed while reconnecting, nobody may be waiting on it.
    opening.catch(() => undefined);
    this.opening = opening;
  }

  /** Reopens with doubling waits until it succeeds or the transport is closed, then renews subscriptions. */
  private async reconnect(): Promise<void> {
    for (let delay = this.opts.reconnectDelayMs; !this.closed; delay = Math.min(delay * 2, this.opts.maxReconnectDelayMs)) {
      await new Promise((r) => setTimeout(r, delay));
      if (this.closed) break;
      try {
        await this.open();
      } catch {
        continue;
      }
      this.reconnects++;
      for (const sub of this.subscriptions) {
        // A subscription the node refuses now stays registered; the next reconnect tries again.
        await this.register(sub).catch(() => undefined);
      }
      this.opts.onReconnect?.();
      return;
    }
    throw new ClientError("CLOSED", `the client of ${this.url} was closed`, { url: this.url });
  }

  async request(method: string, params: readonly unknown[]): Promise<unknown> {
    if (this.closed || this.opening === null) throw new ClientError("CLOSED", `${method}: the client of ${this.url} was closed`, { method });
    if (this.socket === null) await this.waitOpen(method);
    const socket = this.socket as WebSocket | null;
    if (socket === null || socket.readyState !== WebSocket.OPEN) throw new ClientError("CONNECTION_FAILED", `${method}: not connected to ${this.url}`, { method });
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ClientError("TIMEOUT", `${method}: no answer from ${this.url} in ${this.opts.timeoutMs} ms`, { method }));
      }, this.opts.timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  /** Waits for a reconnection in progress, at most the call timeout. */
  private async waitOpen(method: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ClientError("CONNECTION_FAILED", `${method}: not reconnected to ${this.url} within ${this.opts.timeoutMs} ms`, { method })), this.opts.timeoutMs);
    });
    try {
      await Promise.race([this.opening, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribe(method: string, params: readonly unknown[], unsubscribeMethod: string, onNotification: (result: unknown) => void): Promise<Subscription> {
    const sub = new LiveSubscription(this, method, params, unsubscribeMethod, onNotification);
    await this.register(sub);
    this.subscriptions.add(sub);
    return sub;
  }

  private async register(sub: LiveSubscription): Promise<void> {
    this.subscribing++;
    try {
      const id = await this.request(sub.method, sub.params);
      if (typeof id !== "string" && typeof id !== "number") throw new ClientError("BAD_RESPONSE", `${sub.method}: expected a subscription id`, { method: sub.method });
      sub.id = String(id);
      this.byId.set(sub.id, sub);
      for (const result of this.early.get(sub.id) ?? []) sub.onNotification(result);
      this.early.delete(sub.id);
    } finally {
      // Once no subscription is being made, notifications for unknown ids are noise (e.g. after an unsubscribe).
      if (--this.subscribing === 0) this.early.clear();
    }
  }

  /** Forgets `sub` and tells the node (if connected). */
  async drop(sub: LiveSubscription): Promise<void> {
    this.subscriptions.delete(sub);
    this.byId.delete(sub.id);
    if (this.socket !== null && !this.closed) await this.request(sub.unsubscribeMethod, [sub.id]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.clear();
    const socket = this.socket;
    if (socket) {
      this.onDrop(socket);
      socket.close();
    }
    this.opening = null;
  }

  private onMessage(text: string): void {
    let msg;
    try {
      msg = parseMessage("notification", text);
    } catch {
      return; // not JSON-RPC: nothing to route it to
    }
    if (typeof msg.id === "number" && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id) as Pending;
      this.pending.delete(msg.id);
      clearTimeout(p.timer);
      try {
        p.resolve(resultOf(p.method, msg).result);
      } catch (e) {
        p.reject(e as Error);
      }
      return;
    }
    if (msg.params && msg.params.subscription !== undefined) {
      const id = String(msg.params.subscription);
      const sub = this.byId.get(id);
      if (sub) {
        if (sub.active) sub.onNotification(msg.params.result);
      } else if (this.subscribing > 0) {
        // A notification can overtake the answer that names its subscription: kept (a few) until
        // that answer arrives, and only while a subscription is being made.
        const kept = this.early.get(id) ?? [];
        if (kept.length < MAX_EARLY_NOTIFICATIONS && (kept.length > 0 || this.early.size < MAX_EARLY_SUBSCRIPTIONS)) this.early.set(id, [...kept, msg.params.result]);
      }
    }
  }
}
