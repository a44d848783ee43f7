/**
 * RPC server metrics under Substrate's names (`substrate_rpc_*`, same labels and units, so
 * Substrate dashboards work), plus `arkreen_rpc_*` for what Substrate does not export.
 */
import { Counter, Gauge, Histogram } from "prom-client";
import type { Registry } from "prom-client";
import type { RpcTransport } from "./types.ts";

export type RejectReason =
  | "max_connections"
  | "cors"
  | "request_too_big"
  | "batch_too_large"
  | "json_too_deep"
  | "slow_consumer"
  | "too_many_subscriptions"
  | "rate_limited"
  | "ping_timeout"
  | "evicted_silent";

/** The series one (protocol, method) pair's calls update, resolved once: labelling a series per call costs more than the call. */
export interface CallMetrics {
  started: Counter.Internal;
  finishedOk: Counter.Internal;
  finishedError: Counter.Internal;
  /** Microseconds. */
  time: Histogram.Internal<"protocol" | "method">;
}

export interface RpcMetrics {
  /** Calls (batch entries count one each), by transport and method ("unknown" for unregistered names). */
  callsStarted: Counter<"protocol" | "method">;
  callsFinished: Counter<"protocol" | "method" | "is_error">;
  /** Microseconds, as Substrate measures it. */
  callsTime: Histogram<"protocol" | "method">;
  /** WebSocket sessions ("persistent sessions" in Substrate's words). */
  sessionsOpened: Counter;
  sessionsClosed: Counter;
  sessionsOpen: Gauge;
  /** Seconds. */
  sessionsTime: Histogram;
  /** Requests, connections and subscriptions refused by a limit or policy. */
  rejected: Counter<"reason">;
  /** The call series of `method` over `protocol` (method "unknown" for names not registered). */
  forCall(protocol: RpcTransport, method: string): CallMetrics;
}

// Substrate's RPC histogram buckets (sc-rpc-server); in μs for calls and in s for sessions.
const BUCKETS = [5, 25, 100, 500, 1_000, 2_500, 10_000, 25_000, 100_000, 1_000_000, 10_000_000];

export function createRpcMetrics(registry: Registry): RpcMetrics {
  const registers = [registry];
  const metrics: Omit<RpcMetrics, "forCall"> = {
    callsStarted: new Counter({
      name: "substrate_rpc_calls_started",
      help: "Number of received RPC calls (unique un-batched requests)",
      labelNames: ["protocol", "method"],
      registers,
    }),
    callsFinished: new Counter({
      name: "substrate_rpc_calls_finished",
      help: "Number of processed RPC calls (unique un-batched requests)",
      labelNames: ["protocol", "method", "is_error"],
      registers,
    }),
    callsTime: new Histogram({
      name: "substrate_rpc_calls_time",
      help: "Total time [μs] of processed RPC calls",
      labelNames: ["protocol", "method"],
      buckets: BUCKETS,
      registers,
    }),
    sessionsOpened: new Counter({ name: "substrate_rpc_sessions_opened", help: "Number of persistent RPC sessions opened", registers }),
    sessionsClosed: new Counter({ name: "substrate_rpc_sessions_closed", help: "Number of persistent RPC sessions closed", registers }),
    sessionsOpen: new Gauge({ name: "arkreen_rpc_sessions_open", help: "Persistent RPC sessions (WebSocket) open now", registers }),
    sessionsTime: new Histogram({
      name: "substrate_rpc_sessions_time",
      help: "Total time [s] for each websocket session",
      buckets: BUCKETS,
      registers,
    }),
    rejected: new Counter({
      name: "arkreen_rpc_rejected_total",
      help: "RPC requests, connections and subscriptions refused by a limit or policy",
      labelNames: ["reason"],
      registers,
    }),
  };
  const series = new Map<string, CallMetrics>();
  return {
    ...metrics,
    forCall(protocol, method) {
      const key = `${protocol} ${method}`;
      let call = series.get(key);
      if (!call) {
        call = {
          started: metrics.callsStarted.labels({ protocol, method }),
          finishedOk: metrics.callsFinished.labels({ protocol, method, is_error: "false" }),
          finishedError: metrics.callsFinished.labels({ protocol, method, is_error: "true" }),
          time: metrics.callsTime.labels({ protocol, method }),
        };
        series.set(key, call);
      }
      return call;
    },
  };
}
