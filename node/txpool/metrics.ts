import { Counter, Gauge } from "prom-client";
import type { Registry } from "prom-client";

/** The pool's Prometheus metrics; the pool takes `TxPoolMetrics | null`. */
export interface TxPoolMetrics {
  readyTransactions: Gauge;
  futureTransactions: Gauge;
  /** Every call to `submit`, accepted or not. */
  submitted: Counter;
  /** Every call to the validator (`validate` and `recheck`). */
  validations: Counter;
  /** Submissions refused, by error code. */
  rejected: Counter<"code">;
  /** Transactions that left the pool, by status (`inBlock`, `invalid`, `dropped`, `usurped`). */
  removed: Counter<"status">;
}

/** Names follow Substrate's where it has one (`substrate_*`), `arkreen_*` otherwise. */
export function createTxPoolMetrics(registry: Registry): TxPoolMetrics {
  const registers = [registry];
  return {
    readyTransactions: new Gauge({
      name: "substrate_ready_transactions_number",
      help: "Number of transactions in the ready queue",
      registers,
    }),
    futureTransactions: new Gauge({
      name: "substrate_future_transactions_number",
      help: "Number of transactions in the future queue",
      registers,
    }),
    submitted: new Counter({
      name: "substrate_sub_txpool_submitted_transactions",
      help: "Total number of transactions submitted",
      registers,
    }),
    validations: new Counter({
      name: "substrate_sub_txpool_validations_finished",
      help: "Total number of transactions that finished validation (submission and recheck)",
      registers,
    }),
    rejected: new Counter({
      name: "arkreen_txpool_rejected_transactions_total",
      help: "Submissions refused by the pool, by error code",
      labelNames: ["code"],
      registers,
    }),
    removed: new Counter({
      name: "arkreen_txpool_removed_transactions_total",
      help: "Transactions that left the pool, by final status",
      labelNames: ["status"],
      registers,
    }),
  };
}
