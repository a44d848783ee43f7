/** The contract between the RPC server and the method namespaces registered on it. */
import type { ConnectionBudget } from "./rateLimit.ts";

export type RpcTransport = "http" | "ws";

/** Who is calling: given to every handler and subscription. */
export interface RpcCallContext {
  transport: RpcTransport;
  /** The peer's IP address as the socket reports it (e.g. `127.0.0.1`, `::ffff:10.0.0.2`). */
  remoteAddress: string;
  /** True when the peer is on a loopback address. */
  isLocal: boolean;
  /** The connection's rate-limit budget (`--rpc-rate-limit`), for calls that cost more than one call; null when it is not limited. */
  budget: ConnectionBudget | null;
}

/**
 * A method handler. `params` are exactly what the request carried (an array, an object, or
 * `undefined` when absent); validate them with the helpers in `params.ts`. The result must be
 * JSON-serialisable (encode `bigint` and bytes yourself); `undefined` is sent as `null`.
 * Throw `RpcError` for a client error; anything else goes through `toRpcError`.
 */
export type RpcHandler = (params: unknown, ctx: RpcCallContext) => unknown;

export interface RpcMethodDef {
  handler: RpcHandler;
  /** Unsafe methods (keystore, peer management...) are refused unless the methods policy allows them. */
  unsafe?: boolean;
}

/** A subscription's outlet to its client. */
export interface SubscriptionSink {
  /** Sends `{"method": notification, "params": {"subscription": id, "result": result}}`. */
  notify(result: unknown): void;
  /** Ends the subscription from the server side: stops notifications and runs the teardown. */
  close(): void;
}

export interface RpcSubscriptionDef {
  /** e.g. `chain_subscribeNewHeads` */
  subscribe: string;
  /** the `method` of notifications, e.g. `chain_newHead` */
  notification: string;
  /** e.g. `chain_unsubscribeNewHeads`; takes `[id]`, answers `true` or `false` */
  unsubscribe: string;
  unsafe?: boolean;
  /**
   * Called on subscribe; returns the teardown, called exactly once on unsubscribe, on
   * `sink.close()` or when the connection closes. `start` may notify synchronously: the
   * server holds notifications until the subscribe response has gone out. A throw answers
   * the subscribe call with that error and no subscription is created.
   */
  start(params: unknown, sink: SubscriptionSink, ctx: RpcCallContext): (() => void) | Promise<() => void>;
}
