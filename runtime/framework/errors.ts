import { ArkreenError } from "../../primitives/errors.ts";

/**
 * A call failed: its writes are rolled back, but the fee stays paid and the nonce bumped
 * (Substrate's `DispatchError::Module`). `module` + `code` name the error in events, with the
 * error's scalar data. `reason` is free text for logs and RPC answers only: it may quote a
 * library's message (a protobufjs decode error), which another version of that library words
 * differently, so it never reaches state — nodes must agree on every byte of the events.
 */
export type DispatchErrorType = { code: string; module: string; reason?: string } & Record<string, unknown>;

export class DispatchError extends ArkreenError<DispatchErrorType> {}

/**
 * The extrinsic cannot be included at all (Substrate's `InvalidTransaction`): a block that
 * contains one is invalid, and the pool refuses it.
 */
export type InvalidTransactionType =
  | { code: "BAD_PROOF" }
  | { code: "STALE"; nonce: number; accountNonce: number }
  | { code: "FUTURE"; nonce: number; accountNonce: number }
  | { code: "PAYMENT"; required: bigint; free: bigint }
  | { code: "OUTDATED"; birth: number; period: number; blockNumber: number }
  | { code: "BAD_CALL"; reason: string }
  | { code: "EXHAUSTS_RESOURCES"; reason: string }
  /** Valid, but does not fit in what is left of this block's weight: the next block may take it. */
  | { code: "BLOCK_FULL"; weight: bigint; used: bigint }
  | { code: "MALFORMED"; reason: string };

export class InvalidTransaction extends ArkreenError<InvalidTransactionType> {}

/** The block breaks a rule of its own structure (beyond its extrinsics): import rejects it. */
export type InvalidBlockType =
  | { code: "TOO_MANY_READINGS"; count: number; max: number }
  | { code: "MALFORMED_READING"; index: number; reason: string };

export class InvalidBlock extends ArkreenError<InvalidBlockType> {}
