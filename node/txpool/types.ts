import type { TxPoolError } from "./errors.ts";

/** A transaction the validator accepted, as the pool keeps it. */
export interface ValidTransaction {
  /** blake2b-256 of `bytes`; the pool computes it itself. */
  hash: Uint8Array;
  /** The encoded signed extrinsic. */
  bytes: Uint8Array;
  /** 0x-hex account id of the signer. */
  sender: string;
  nonce: number;
  /** The tip: higher is better. */
  priority: bigint;
  /** Last block number (inclusive) at which it may be included; `Number.MAX_SAFE_INTEGER` when immortal. */
  validUntil: number;
}

/**
 * A validator's verdict. `accountNonce` is the sender's nonce in the state the transaction was
 * checked against: the next nonce the chain will accept from that sender.
 */
export type TxValidation = { ok: true; tx: ValidTransaction; accountNonce: number } | { ok: false; error: TxPoolError };

/**
 * Checks transactions against the best block's state. The node provides it (the runtime's
 * `validate_transaction`); the pool knows nothing of the runtime.
 *
 * A nonce above the account nonce is valid (the transaction waits in the future queue); a nonce
 * below it is `INVALID`/`STALE`.
 */
export interface TxValidator {
  /** Full check including the signature, on submission. */
  validate(bytes: Uint8Array): TxValidation;
  /** State checks only (nonce, fees, call), no signature: after each imported block. */
  recheck(tx: ValidTransaction): TxValidation;
}

/**
 * Where a transaction stands, as Substrate's `TransactionStatus` (author_submitAndWatchExtrinsic).
 * Terminal: `finalized`, `finalityTimeout`, `usurped`, `dropped`, `invalid`.
 */
export type TxStatus =
  | { type: "future" }
  | { type: "ready" }
  | { type: "inBlock"; blockHash: Uint8Array }
  | { type: "finalized"; blockHash: Uint8Array }
  /** Included in `blockHash`, but that block was not finalized within the finality timeout. */
  | { type: "finalityTimeout"; blockHash: Uint8Array }
  /** Replaced by a transaction with the same sender and nonce and a higher priority. */
  | { type: "usurped"; by: Uint8Array }
  /** Evicted because the pool was full, or removed by the author without being invalid. */
  | { type: "dropped" }
  | { type: "invalid" };

export type TxStatusListener = (status: TxStatus) => void;
/** Sees every status of every transaction (logging, metrics, propagation of new ready txs). */
export type TxPoolStatusListener = (hash: Uint8Array, status: TxStatus) => void;

export interface ImportedBlock {
  hash: Uint8Array;
  number: number;
  /** blake2b-256 of each extrinsic in the block. */
  extrinsicHashes: Uint8Array[];
}

export interface FinalizedBlock {
  hash: Uint8Array;
  extrinsicHashes: Uint8Array[];
}
