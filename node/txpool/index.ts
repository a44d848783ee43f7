export { TxPool } from "./pool.ts";
export type { TxPoolDeps } from "./pool.ts";
export { TxPoolError, TX_POOL_RPC_CODES } from "./errors.ts";
export type { InvalidReason, TxPoolErrorCode, TxPoolErrorType } from "./errors.ts";
export { createTxPoolMetrics } from "./metrics.ts";
export type { TxPoolMetrics } from "./metrics.ts";
export { defaultTxPoolOpts } from "./options.ts";
export type { TxPoolLimit, TxPoolOpts } from "./options.ts";
export type {
  FinalizedBlock,
  ImportedBlock,
  TxPoolStatusListener,
  TxStatus,
  TxStatusListener,
  TxValidation,
  TxValidator,
  ValidTransaction,
} from "./types.ts";
