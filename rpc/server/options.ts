/**
 * RPC server options, their defaults and their validation. Every default is documented in
 * docs/rpc-server.md; the CLI flags that set them are parsed in `flags.ts`.
 */
import { isIP } from "node:net";
import { RpcServerError } from "./serverError.ts";

/** `auto`: unsafe methods only when listening on a loopback address; `safe`: never; `unsafe`: always. */
export type RpcMethodsPolicy = "auto" | "safe" | "unsafe";

/**
 * Which browser origins may call: `"all"`, or a list of origins where `scheme://host:*`
 * matches any port. An empty list is `--rpc-cors none`. Requests without an `Origin`
 * header (curl, node clients) are never refused by CORS.
 */
export type CorsPolicy = "all" | readonly string[];

/** Substrate's `--rpc-cors` default for non-dev chains (a `--dev` node uses `all`). */
export const DEFAULT_CORS: readonly string[] = Object.freeze([
  "http://localhost:*",
  "http://127.0.0.1:*",
  "https://localhost:*",
  "https://127.0.0.1:*",
  "https://polkadot.js.org",
]);

const MiB = 1024 * 1024;

export interface RpcServerOpts {
  /** Listen address; `0.0.0.0` or `::` is `--rpc-external`. */
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** TCP connections (HTTP keep-alive and WebSocket alike); Substrate's `--rpc-max-connections`. */
  maxConnections: number;
  /** Largest HTTP body or WebSocket message; Substrate's `--rpc-max-request-size` (MiB there). */
  maxRequestBytes: number;
  /** Largest response (a whole batch counts as one); Substrate's `--rpc-max-response-size`. */
  maxResponseBytes: number;
  /** Calls in one batch; Substrate's `--rpc-max-batch-request-len` (unlimited there). */
  maxBatchLength: number;
  /** Open subscriptions per WebSocket; Substrate's `--rpc-max-subscriptions-per-connection`. */
  maxSubscriptionsPerConnection: number;
  /** Array/object nesting a request may have; deeper input is a parse error. */
  maxJsonDepth: number;
  /** WebSocket messages being processed at once per connection before reading pauses. */
  maxInflightMessagesPerConnection: number;
  /** Bytes queued to a WebSocket client that does not read before the server drops it. */
  maxBufferedBytesPerConnection: number;
  /** Calls per minute per connection (each call of a batch counts); null: unlimited. Substrate's `--rpc-rate-limit`. */
  rateLimitPerMinute: number | null;
  /** Peers the rate limit does not apply to, as CIDR blocks (`10.0.0.0/8`, `::1/128`). */
  rateLimitWhitelistedIps: readonly string[];
  /** Take the peer's address for the whitelist from `X-Real-IP`, `X-Forwarded-For` or `Forwarded` (behind a reverse proxy). */
  rateLimitTrustProxyHeaders: boolean;
  /** Time a client has to send a request's headers (a WebSocket handshake included). */
  headersTimeoutMs: number;
  /** Time a client has to send a whole request, headers and body. */
  requestTimeoutMs: number;
  /** How long an idle HTTP keep-alive connection keeps its slot. */
  keepAliveTimeoutMs: number;
  /** WebSocket ping period; a connection that sent neither a pong nor a message during one period is dropped. */
  wsPingIntervalMs: number;
  cors: CorsPolicy;
  rpcMethods: RpcMethodsPolicy;
}

export const defaultRpcServerOpts: Readonly<RpcServerOpts> = Object.freeze({
  host: "127.0.0.1",
  port: 9944,
  maxConnections: 100,
  maxRequestBytes: 15 * MiB,
  maxResponseBytes: 15 * MiB,
  // Substrate leaves batches unbounded. 1024 calls covers every client batching we know of
  // (polkadot.js does not batch; explorers batch tens) while capping the work one request
  // can start: 1024 concurrent handlers, and a response bounded by maxResponseBytes anyway.
  maxBatchLength: 1024,
  maxSubscriptionsPerConnection: 1024,
  // serde_json's recursion limit, which is what bounds nesting under jsonrpsee. Real requests
  // nest a handful of levels; the limit only exists so that `[[[[…` cannot cost stack or time.
  maxJsonDepth: 128,
  // Substrate buffers 64 messages per connection (--rpc-message-buffer-capacity-per-connection);
  // pausing the socket at 64 in-flight messages applies the same bound as TCP backpressure.
  maxInflightMessagesPerConnection: 64,
  // A client that stops reading while subscriptions keep producing would grow the send queue
  // without bound. 16 MiB is above the largest single response (15 MiB), so one big answer
  // never trips it, and bounds a stuck client at ~31 MiB (100 connections: ~3 GiB worst case).
  maxBufferedBytesPerConnection: 16 * MiB,
  // Substrate has no rate limit by default. 6,000 calls a minute per connection is a bucket of
  // 6,000 calls refilled at 100 calls/s (Substrate's quota shape: a minute's worth of burst).
  // Interactive clients (polkadot.js apps, wallets) make a few calls a second and a few hundred
  // at start-up; the device simulator registering 1,000 devices makes ~3,000 at once; all fit.
  // A flooder gets 5 full batches, then 100 calls/s per connection: with 100 connections at most
  // ~10,000 calls/s, a fraction of what the server can execute (~200,000 cheap calls/s in
  // batches), so the limit bounds the work abuse can cause without refusing real clients. Bulk
  // readers (indexers syncing from genesis) run their own node with a higher `--rpc-rate-limit`.
  rateLimitPerMinute: 6000,
  rateLimitWhitelistedIps: [],
  rateLimitTrustProxyHeaders: false,
  // Headers of an RPC request (or a WebSocket upgrade) are a few hundred bytes, sent in one
  // packet by every client. 10 s tolerates slow links and idle browser preconnects while a
  // slowloris client that trickles them frees its slot 6 times sooner than with Node's 60 s.
  headersTimeoutMs: 10_000,
  // The whole request, body included: the largest body (15 MiB) takes ~60 s at 2 Mbit/s upload.
  // Node's default (300 s) would let a client trickling a body hold a slot five minutes.
  requestTimeoutMs: 60_000,
  // Node's default. A connection idle between two calls keeps its slot this long; clients that
  // call less often than this reconnect (cheap on loopback and LAN), and idle sockets do not
  // pile up against maxConnections.
  keepAliveTimeoutMs: 5_000,
  // jsonrpsee's ping period. Finds peers gone without a FIN (a laptop that slept, a dropped NAT
  // mapping) within one to two periods instead of TCP's hours; a WebSocket that trickles a frame
  // cannot answer pings either, so it is dropped too.
  wsPingIntervalMs: 30_000,
  cors: DEFAULT_CORS,
  rpcMethods: "auto",
});

/** Throws `RPC_INVALID_OPTION` for a limit that is not a positive integer, or timeouts that contradict each other. */
export function validateRpcServerOpts(opts: RpcServerOpts): void {
  const positive: (keyof RpcServerOpts)[] = [
    "maxConnections",
    "maxRequestBytes",
    "maxResponseBytes",
    "maxBatchLength",
    "maxSubscriptionsPerConnection",
    "maxJsonDepth",
    "maxInflightMessagesPerConnection",
    "maxBufferedBytesPerConnection",
    "headersTimeoutMs",
    "requestTimeoutMs",
    "keepAliveTimeoutMs",
    "wsPingIntervalMs",
  ];
  for (const key of positive) requirePositiveInteger(key, opts[key]);
  if (opts.rateLimitPerMinute !== null) requirePositiveInteger("rateLimitPerMinute", opts.rateLimitPerMinute);
  if (opts.headersTimeoutMs > opts.requestTimeoutMs) {
    throw invalidOption("headersTimeoutMs", String(opts.headersTimeoutMs), "the headers timeout cannot exceed the request timeout");
  }
}

function requirePositiveInteger(option: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) throw invalidOption(option, String(value), `${option} must be a positive integer`);
}

function invalidOption(option: string, value: string, message: string): RpcServerError {
  return new RpcServerError({ code: "RPC_INVALID_OPTION", option, value }, message);
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, their IPv4-mapped forms, `localhost`. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "");
  if (a === "localhost" || a === "::1" || a === "0:0:0:0:0:0:0:1") return true;
  const v4 = a.startsWith("::ffff:") ? a.slice(7) : a;
  return isIP(v4) === 4 && v4.startsWith("127.");
}

/** Whether unsafe methods may be called on a server listening on `host` under `policy`. */
export function allowsUnsafe(policy: RpcMethodsPolicy, host: string): boolean {
  if (policy === "unsafe") return true;
  if (policy === "safe") return false;
  return isLoopbackAddress(host);
}
