/**
 * One WebSocket client: feeds its frames to the dispatcher, sends replies and subscription
 * notifications in order, and bounds what a client can make the server hold — messages in
 * flight (reading pauses at the limit) and bytes queued for a client that does not read
 * (the connection is dropped) — and what it can make the server do: reading also pauses
 * while a rate-limit backoff runs, and a peer that answers no ping is dropped.
 */
import { WebSocket } from "ws";
import type { RawData } from "ws";
import type { Logger } from "../../primitives/logger.ts";
import type { RpcDispatcher, RpcSession } from "./dispatcher.ts";
import type { RpcMetrics } from "./metrics.ts";
import type { CallRateLimiter } from "./rateLimit.ts";
import { ConnectionSubscriptions } from "./subscriptions.ts";
import type { RpcCallContext } from "./types.ts";

export interface WsConnectionOpts {
  maxInflightMessages: number;
  maxBufferedBytes: number;
  maxSubscriptions: number;
  maxResponseBytes: number;
}

export interface WsConnectionDeps {
  socket: WebSocket;
  ctx: RpcCallContext;
  rateLimit: CallRateLimiter | null;
  dispatcher: RpcDispatcher;
  logger: Logger;
  metrics: RpcMetrics | null;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

export class WsConnection {
  /** Resolves once the socket has closed and every subscription has been torn down. */
  readonly closed: Promise<void>;
  private readonly opts: WsConnectionOpts;
  private readonly deps: WsConnectionDeps;
  private readonly session: RpcSession;
  private readonly openedAt = Date.now();
  private inflight = 0;
  /** A pong or a message arrived since the last ping. */
  private alive = true;
  /** Calls were refused by the rate limit: the socket is not read until this timer fires. */
  private backoff: NodeJS.Timeout | null = null;

  constructor(opts: WsConnectionOpts, deps: WsConnectionDeps) {
    this.opts = opts;
    this.deps = deps;
    const subscriptions = new ConnectionSubscriptions(
      { maxSubscriptions: opts.maxSubscriptions, maxNotificationBytes: opts.maxResponseBytes },
      { send: (text) => this.send(text), logger: deps.logger, metrics: deps.metrics },
    );
    this.session = { ctx: deps.ctx, connection: deps.socket, subscriptions, rateLimit: deps.rateLimit };
    const { socket, metrics } = deps;
    metrics?.sessionsOpened.inc();
    metrics?.sessionsOpen.inc();
    // Binary frames are accepted as UTF-8 JSON, as jsonrpsee does; answers are always text.
    socket.on("message", (data) => {
      this.alive = true;
      this.onMessage(toBuffer(data));
    });
    socket.on("pong", () => (this.alive = true));
    // Socket errors (resets, protocol violations) are followed by "close"; nothing else to do.
    socket.on("error", (err) => deps.logger.debug("WebSocket error", { remote: deps.ctx.remoteAddress, error: err.message }));
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        subscriptions.closeAll();
        metrics?.sessionsClosed.inc();
        metrics?.sessionsOpen.dec();
        metrics?.sessionsTime.observe((Date.now() - this.openedAt) / 1000);
        resolve();
      });
    });
  }

  /** Starts the closing handshake (e.g. 1001 when the server shuts down). */
  close(code: number, reason: string): void {
    this.deps.socket.close(code, reason);
  }

  /**
   * Called every ping period: drops the connection if nothing came back since the previous
   * call (a peer gone without a FIN, or one trickling a frame), otherwise pings it.
   */
  heartbeat(): void {
    const { socket } = this.deps;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (!this.alive) {
      this.deps.metrics?.rejected.inc({ reason: "ping_timeout" });
      this.deps.logger.debug("Dropping RPC WebSocket that did not answer a ping", { remote: this.deps.ctx.remoteAddress });
      socket.terminate();
      return;
    }
    this.alive = false;
    socket.ping();
  }

  /** Drops the connection without a handshake. */
  terminate(): void {
    this.deps.socket.terminate();
  }

  private onMessage(bytes: Buffer): void {
    const { socket } = this.deps;
    this.inflight++;
    this.updateReading();
    this.deps.dispatcher
      .handle(bytes, this.session)
      .then((reply) => {
        if (!reply || socket.readyState !== WebSocket.OPEN) return;
        this.send(reply.body);
        reply.sent();
      })
      // The dispatcher answers every failure itself; reaching here is a bug, not a client error.
      .catch((err: unknown) => this.deps.logger.error("RPC message processing failed", { remote: this.deps.ctx.remoteAddress }, err))
      .finally(() => {
        this.inflight--;
        const backoffMs = this.deps.rateLimit?.backoffMs() ?? 0;
        if (backoffMs > 0) {
          if (this.backoff) clearTimeout(this.backoff);
          this.backoff = setTimeout(() => {
            this.backoff = null;
            this.updateReading();
          }, backoffMs).unref();
        }
        this.updateReading();
      });
  }

  /** Reads the socket unless `maxInflightMessages` are being processed or a rate-limit backoff runs. */
  private updateReading(): void {
    const { socket } = this.deps;
    const hold = this.inflight >= this.opts.maxInflightMessages || this.backoff !== null;
    if (hold && !socket.isPaused) socket.pause();
    else if (!hold && socket.isPaused) socket.resume();
  }

  private send(text: string | readonly string[]): void {
    const { socket } = this.deps;
    if (socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.opts.maxBufferedBytes) {
      this.deps.metrics?.rejected.inc({ reason: "slow_consumer" });
      this.deps.logger.warn("Dropping RPC connection that does not read its messages", {
        remote: this.deps.ctx.remoteAddress,
        bufferedBytes: socket.bufferedAmount,
      });
      socket.terminate();
      return;
    }
    if (typeof text === "string") return socket.send(text);
    // A batch's answer in pieces: fragments of one text message.
    text.forEach((piece, i) => socket.send(piece, { fin: i === text.length - 1 }));
  }
}
