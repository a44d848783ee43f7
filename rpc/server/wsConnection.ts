/**
 * One WebSocket client: feeds its frames to the dispatcher, sends replies and subscription
 * notifications in order, and bounds what a client can make the server hold — messages in
 * flight (reading pauses at the limit) and bytes queued for a client that does not read
 * (the connection is dropped).
 */
import { WebSocket } from "ws";
import type { RawData } from "ws";
import type { Logger } from "../../primitives/logger.ts";
import type { RpcDispatcher, RpcSession } from "./dispatcher.ts";
import type { RpcMetrics } from "./metrics.ts";
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

  constructor(opts: WsConnectionOpts, deps: WsConnectionDeps) {
    this.opts = opts;
    this.deps = deps;
    const subscriptions = new ConnectionSubscriptions(
      { maxSubscriptions: opts.maxSubscriptions, maxNotificationBytes: opts.maxResponseBytes },
      { send: (text) => this.send(text), logger: deps.logger, metrics: deps.metrics },
    );
    this.session = { ctx: deps.ctx, subscriptions };
    const { socket, metrics } = deps;
    metrics?.sessionsOpened.inc();
    metrics?.sessionsOpen.inc();
    // Binary frames are accepted as UTF-8 JSON, as jsonrpsee does; answers are always text.
    socket.on("message", (data) => this.onMessage(toBuffer(data)));
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

  /** Drops the connection without a handshake. */
  terminate(): void {
    this.deps.socket.terminate();
  }

  private onMessage(bytes: Buffer): void {
    const { socket } = this.deps;
    if (++this.inflight >= this.opts.maxInflightMessages && !socket.isPaused) socket.pause();
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
        if (--this.inflight < this.opts.maxInflightMessages && socket.isPaused) socket.resume();
      });
  }

  private send(text: string): void {
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
    socket.send(text);
  }
}
