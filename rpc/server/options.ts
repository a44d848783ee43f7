/**
 * RPC server options, their defaults, and parsers for the CLI flags that set them
 * (`--rpc-cors`, `--rpc-methods`). Every default is documented in docs/rpc-server.md.
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
  cors: DEFAULT_CORS,
  rpcMethods: "auto",
});

/** Parses `--rpc-cors`: `all`, `none`, or a comma-separated list of origins. */
export function parseCors(value: string): CorsPolicy {
  const v = value.trim();
  if (v === "all" || v === "*") return "all";
  if (v === "none") return [];
  const origins = v.split(",").map((o) => o.trim()).filter((o) => o.length > 0);
  if (origins.length === 0) throw new RpcServerError({ code: "RPC_INVALID_OPTION", option: "rpc-cors", value }, `invalid --rpc-cors value: ${value}`);
  return origins;
}

export function parseRpcMethods(value: string): RpcMethodsPolicy {
  if (value === "auto" || value === "safe" || value === "unsafe") return value;
  throw new RpcServerError({ code: "RPC_INVALID_OPTION", option: "rpc-methods", value }, `--rpc-methods must be auto, safe or unsafe, got ${value}`);
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
