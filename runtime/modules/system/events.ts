import { moduleEvents, type EventValue } from "../../framework/events.ts";

/** The system module's events: one per applied extrinsic, deposited by the executive. */
export interface SystemEvents {
  ExtrinsicSuccess: Record<never, never>;
  /** The dispatch error's module and code, then its own scalar data (e.g. `free`, `amount`). */
  ExtrinsicFailed: { module: string; error: string; [detail: string]: EventValue };
}

export const systemEvents = moduleEvents<SystemEvents>("system", {
  ExtrinsicSuccess: {},
  ExtrinsicFailed: { module: "string", error: "string", "*": "scalar" },
});

/**
 * Fees have no module of their own (the executive charges them, with the system config's rates),
 * but their event keeps Substrate's `transactionPayment` name.
 */
export interface TransactionPaymentEvents {
  TransactionFeePaid: { who: Uint8Array; actualFee: bigint; tip: bigint };
}

export const transactionPaymentEvents = moduleEvents<TransactionPaymentEvents>("transactionPayment", {
  TransactionFeePaid: { who: "bytes", actualFee: "bigint", tip: "bigint" },
});
