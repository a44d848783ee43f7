import { ArkreenError } from "../../primitives/errors.ts";

/**
 * Why a transaction is invalid, mirroring Substrate's `InvalidTransaction` variants that this
 * chain can produce. `STALE` is a nonce already used; `OUTDATED` is a mortality window that has
 * ended (Substrate's `AncientBirthBlock`).
 */
export type InvalidReason = "BAD_PROOF" | "STALE" | "PAYMENT" | "OUTDATED" | "EXHAUSTS_RESOURCES" | "BAD_CALL" | "CUSTOM";

export type TxPoolErrorType =
  | { code: "INVALID"; reason: InvalidReason; detail?: string }
  | { code: "UNKNOWN"; detail?: string }
  | { code: "TEMPORARILY_BANNED"; hash: string }
  | { code: "ALREADY_IMPORTED"; hash: string }
  | { code: "PRIORITY_TOO_LOW"; old: bigint; new: bigint }
  | { code: "CYCLE_DETECTED" }
  | { code: "IMMEDIATELY_DROPPED"; hash: string };

export type TxPoolErrorCode = TxPoolErrorType["code"];

/**
 * JSON-RPC error codes of Substrate's `author_*` methods (sc-rpc-api `author::error`), so that
 * wallets and tools written for Substrate read our errors unchanged.
 */
export const TX_POOL_RPC_CODES: Readonly<Record<TxPoolErrorCode, number>> = {
  INVALID: 1010,
  UNKNOWN: 1011,
  TEMPORARILY_BANNED: 1012,
  ALREADY_IMPORTED: 1013,
  PRIORITY_TOO_LOW: 1014,
  CYCLE_DETECTED: 1015,
  IMMEDIATELY_DROPPED: 1016,
};

/** Substrate's human texts for each `InvalidTransaction` variant (its `Display` impl). */
const INVALID_MESSAGES: Readonly<Record<InvalidReason, string>> = {
  BAD_PROOF: "Transaction has a bad signature",
  STALE: "Transaction is outdated",
  PAYMENT: "Inability to pay some fees (e.g. account balance too low)",
  OUTDATED: "Transaction has an ancient birth block",
  EXHAUSTS_RESOURCES: "Transaction would exhaust the block limits",
  BAD_CALL: "Transaction call is not expected",
  CUSTOM: "InvalidTransaction custom error",
};

function messageOf(type: TxPoolErrorType): string {
  switch (type.code) {
    case "INVALID":
      return INVALID_MESSAGES[type.reason] + (type.detail ? `: ${type.detail}` : "");
    case "UNKNOWN":
      return "Unknown transaction validity" + (type.detail ? `: ${type.detail}` : "");
    case "TEMPORARILY_BANNED":
      return "Transaction is temporarily banned";
    case "ALREADY_IMPORTED":
      return "Transaction Already Imported";
    case "PRIORITY_TOO_LOW":
      return `Priority is too low: (${type.old} vs ${type.new})`;
    case "CYCLE_DETECTED":
      return "Cycle Detected";
    case "IMMEDIATELY_DROPPED":
      return "The transaction couldn't enter the pool because of the limit";
  }
}

/** Every rejection of a transaction by the pool or by the validator the node gives it. */
export class TxPoolError extends ArkreenError<TxPoolErrorType> {
  constructor(type: TxPoolErrorType) {
    super(type, messageOf(type));
  }

  static invalid(reason: InvalidReason, detail?: string): TxPoolError {
    return new TxPoolError(detail === undefined ? { code: "INVALID", reason } : { code: "INVALID", reason, detail });
  }

  /** The JSON-RPC error code Substrate uses for this error. */
  get rpcCode(): number {
    return TX_POOL_RPC_CODES[this.type.code];
  }
}
