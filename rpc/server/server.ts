/**
 * The JSON-RPC 2.0 server: HTTP and WebSocket on one port, like Substrate's (jsonrpsee).
 * Namespaces register methods and subscriptions; the server owns sockets, limits and policy.
 *
 *   const server = new RpcServer({ port: 9944 }, { logger, metrics, health: () => network.health() });
 *   server.addMethod("system_name", { handler: () => "arkreen-node" });
 *   await server.listen();
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { WebSocket } from "ws";
import type { Logger } from "../../primitives/logger.ts";
import { createOriginMatcher } from "./cors.ts";
import { RpcDispatcher } from "./dispatcher.ts";
import { HttpHandler } from "./httpHandler.ts";
import type { RpcMetrics } from "./metrics.ts";
import { allowsUnsafe, defaultRpcServerOpts, isLoopbackAddress, validateRpcServerOpts } from "./options.ts";
import type { RpcServerOpts } from "./options.ts";
import { RateLimitPolicy } from "./rateLimit.ts";
import { defaultFairSchedulerOpts, FairScheduler } from "./scheduler.ts";
import { RpcServerError } from "./serverError.ts";
import type { RpcMethodDef, RpcSubscriptionDef } from "./types.ts";
import { WsConnection } from "./wsConnection.ts";

export interface RpcServerDeps {
  logger: Logger;
  metrics: RpcMetrics | null;
  /** The body of `GET /health`, e.g. `{ peers: 0, isSyncing: false, shouldHavePeers: false }`. */
  health: () => unknown;
}

/** How long `close()` waits for WebSocket clients to answer the close frame before cutting them off. */
const CLOSE_GRACE_MS = 1000;
/** How long a connection beyond maxConnections may stay silent before it is closed without an answer. */
const OVER_LIMIT_IDLE_MS = 5000;
/**
 * An idle keep-alive connection is closed `keepAliveTimeoutMs` (advertised as `Keep-Alive:
 * timeout=5`) plus this many times that after the last answer was sent. The client's idle clock
 * starts when it *reads* the answer, which is late by however long its event loop was busy: a
 * gateway that signs its next batch while the previous one is in flight (~4 s of BLS) read an
 * answer 4 s after it was sent, reused the connection inside undici's 3 s (timeout − 2 s) and got
 * `UND_ERR_SOCKET other side closed` when Node's own 1 s margin ran out first (1 of 30 calls).
 * Twice the advertised time (10 s) covers such a client; idle connections still free their slot
 * within 15 s, and a client that wants to hold a slot can do so by calling anyway.
 */
const KEEP_ALIVE_GRACE_FACTOR = 2;
/**
 * How often Node checks the headers and request timeouts (its default, 30 s, would let a slow
 * client overstay them by that much): a quarter of the headers timeout, so a client is cut
 * within 1.25 times its timeout, and at most once a second, which costs nothing at 100 slots.
 */
function timeoutCheckInterval(headersTimeoutMs: number): number {
  return Math.max(1, Math.min(1000, Math.floor(headersTimeoutMs / 4)));
}

export class RpcServer {
  private readonly opts: RpcServerOpts;
  private readonly deps: RpcServerDeps;
  private readonly logger: Logger;
  private readonly dispatcher: RpcDispatcher;
  private readonly httpHandler: HttpHandler;
  private readonly originAllowed: (origin: string) => boolean;
  private readonly rateLimits: RateLimitPolicy;
  private readonly wss: WebSocketServer;
  /** Sockets that hold one of the `maxConnections` slots. */
  private readonly sockets = new Set<Socket>();
  /**
   * Those of them that have not completed the headers of a first request yet, oldest first. When
   * every slot is taken, a newcomer takes the slot of the oldest: real clients send their request
   * the moment they connect, so these are slowloris connections (or idle browser preconnects),
   * and half-sent requests can then no longer lock newcomers out — they only push each other out.
   * Connections that have made a request are never evicted; timeouts bound them.
   */
  private readonly silent = new Set<Socket>();
  /** Sockets accepted beyond `maxConnections`: their first request is answered 429. */
  private readonly overLimit = new WeakSet<Socket>();
  /** How many of those are still open; past `maxConnections` of them, more are dropped unanswered. */
  private overLimitOpen = 0;
  private readonly connections = new Set<WsConnection>();
  private server: Server | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private state: "created" | "listening" | "closing" | "closed" = "created";

  constructor(opts: Partial<RpcServerOpts>, deps: RpcServerDeps) {
    this.opts = { ...defaultRpcServerOpts, ...opts };
    validateRpcServerOpts(this.opts);
    this.deps = deps;
    this.logger = deps.logger;
    this.originAllowed = createOriginMatcher(this.opts.cors);
    this.rateLimits = new RateLimitPolicy({
      perMinute: this.opts.rateLimitPerMinute,
      whitelistedIps: this.opts.rateLimitWhitelistedIps,
      trustProxyHeaders: this.opts.rateLimitTrustProxyHeaders,
    });
    this.dispatcher = new RpcDispatcher(
      {
        maxBatchLength: this.opts.maxBatchLength,
        maxResponseBytes: this.opts.maxResponseBytes,
        maxJsonDepth: this.opts.maxJsonDepth,
        allowUnsafe: allowsUnsafe(this.opts.rpcMethods, this.opts.host),
      },
      { logger: this.logger, metrics: deps.metrics, scheduler: new FairScheduler(defaultFairSchedulerOpts) },
    );
    this.httpHandler = new HttpHandler(
      { maxRequestBytes: this.opts.maxRequestBytes, anyOrigin: this.opts.cors === "all" },
      {
        dispatcher: this.dispatcher,
        originAllowed: this.originAllowed,
        rateLimitFor: (req) => this.rateLimits.forRequest(req),
        health: deps.health,
        logger: this.logger,
        metrics: deps.metrics,
      },
    );
    // No permessage-deflate: a compressed frame could expand far beyond maxRequestBytes of wire data.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.opts.maxRequestBytes, perMessageDeflate: false });
  }

  addMethod(name: string, def: RpcMethodDef): void {
    this.dispatcher.addMethod(name, def);
  }

  addSubscription(def: RpcSubscriptionDef): void {
    this.dispatcher.addSubscription(def);
  }

  /** Sorted names of everything callable, as `rpc_methods` reports them. */
  methods(): string[] {
    return this.dispatcher.methodNames();
  }

  async listen(): Promise<{ host: string; port: number }> {
    if (this.state !== "created") {
      throw new RpcServerError({ code: "RPC_SERVER_STATE", state: this.state, action: "listen" }, `cannot listen: RPC server is ${this.state}`);
    }
    const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = this.opts;
    const server = createServer({
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      keepAliveTimeoutBuffer: keepAliveTimeoutMs * KEEP_ALIVE_GRACE_FACTOR,
      connectionsCheckingInterval: timeoutCheckInterval(headersTimeoutMs),
    });
    server.on("connection", (socket: Socket) => this.onConnection(socket));
    server.on("request", (req, res) => {
      if (this.overLimit.has(req.socket)) return this.httpHandler.tooManyConnections(res);
      this.silent.delete(req.socket);
      this.httpHandler.handle(req, res).catch((err: unknown) => {
        this.logger.error("HTTP request handling failed", {}, err);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.logger.error("RPC server error", {}, err));
    this.server = server;
    this.state = "listening";
    this.pingTimer = setInterval(() => {
      for (const conn of this.connections) conn.heartbeat();
    }, this.opts.wsPingIntervalMs);
    this.pingTimer.unref();
    const { address, port } = server.address() as AddressInfo;
    const origins = this.opts.cors === "all" ? "all" : `[${this.opts.cors.join(", ")}]`;
    this.logger.info(`Running JSON-RPC server: addr=${address}:${port}, allowed origins=${origins}`, {
      unsafeMethods: allowsUnsafe(this.opts.rpcMethods, this.opts.host),
    });
    return { host: address, port };
  }

  /** Stops listening, closes WebSocket sessions (1001) and HTTP connections, tears down subscriptions. */
  async close(): Promise<void> {
    const server = this.server;
    if (this.state !== "listening" || !server) return;
    this.state = "closing";
    if (this.pingTimer) clearInterval(this.pingTimer);
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    const connections = [...this.connections];
    for (const conn of connections) conn.close(1001, "Server shutting down");
    server.closeAllConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([Promise.all(connections.map((c) => c.closed)), grace]);
    clearTimeout(timer);
    for (const conn of connections) conn.terminate();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(connections.map((c) => c.closed));
    await serverClosed;
    this.state = "closed";
  }

  private onConnection(socket: Socket): void {
    if (this.sockets.size >= this.opts.maxConnections && !this.evictSilent()) {
      this.deps.metrics?.rejected.inc({ reason: "max_connections" });
      // Answering 429 needs the client's request first. Waiting for it holds a file descriptor
      // and a parser, so only as many as there are slots wait; a flood beyond that is cut at once.
      if (this.overLimitOpen >= this.opts.maxConnections) {
        socket.destroy();
        return;
      }
      this.overLimit.add(socket);
      this.overLimitOpen++;
      socket.once("close", () => this.overLimitOpen--);
      // It holds no slot, but still a file descriptor: one that never sends a request goes.
      socket.setTimeout(OVER_LIMIT_IDLE_MS, () => socket.destroy());
      return;
    }
    this.sockets.add(socket);
    this.silent.add(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.silent.delete(socket);
    });
  }

  /** Frees the slot of the oldest connection that has not sent a request yet; false when there is none. */
  private evictSilent(): boolean {
    const victim = this.silent.values().next().value;
    if (victim === undefined) return false;
    this.sockets.delete(victim);
    this.silent.delete(victim);
    victim.destroy();
    this.deps.metrics?.rejected.inc({ reason: "evicted_silent" });
    return true;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.overLimit.has(req.socket)) return rejectUpgrade(socket, 429, "Too Many Requests", "Too many connections. Please try again later.");
    this.silent.delete(req.socket);
    const origin = req.headers.origin;
    if (origin !== undefined && !this.originAllowed(origin)) {
      this.deps.metrics?.rejected.inc({ reason: "cors" });
      return rejectUpgrade(socket, 403, "Forbidden", "Origin not allowed");
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (this.state !== "listening") return ws.terminate();
      const remoteAddress = req.socket.remoteAddress ?? "";
      const rateLimit = this.rateLimits.forRequest(req);
      const conn = new WsConnection(
        {
          maxInflightMessages: this.opts.maxInflightMessagesPerConnection,
          maxBufferedBytes: this.opts.maxBufferedBytesPerConnection,
          maxSubscriptions: this.opts.maxSubscriptionsPerConnection,
          maxResponseBytes: this.opts.maxResponseBytes,
        },
        {
          socket: ws,
          rateLimit,
          ctx: { transport: "ws", remoteAddress, isLocal: isLoopbackAddress(remoteAddress), budget: rateLimit },
          dispatcher: this.dispatcher,
          logger: this.logger,
          metrics: this.deps.metrics,
        },
      );
      this.connections.add(conn);
      void conn.closed.then(() => this.connections.delete(conn));
    });
  }
}

function rejectUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.on("error", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
