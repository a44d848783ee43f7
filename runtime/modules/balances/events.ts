import { moduleEvents } from "../../framework/events.ts";

export interface BalancesEvents {
  /** A reaped account's balance below the existential deposit, burned. */
  DustLost: { account: Uint8Array; amount: bigint };
  Endowed: { account: Uint8Array; freeBalance: bigint };
  Transfer: { from: Uint8Array; to: Uint8Array; amount: bigint };
  Reserved: { who: Uint8Array; amount: bigint };
  Unreserved: { who: Uint8Array; amount: bigint };
  ReserveRepatriated: { from: Uint8Array; to: Uint8Array; amount: bigint };
}

export const balancesEvents = moduleEvents<BalancesEvents>("balances", {
  DustLost: { account: "bytes", amount: "bigint" },
  Endowed: { account: "bytes", freeBalance: "bigint" },
  Transfer: { from: "bytes", to: "bytes", amount: "bigint" },
  Reserved: { who: "bytes", amount: "bigint" },
  Unreserved: { who: "bytes", amount: "bigint" },
  ReserveRepatriated: { from: "bytes", to: "bytes", amount: "bigint" },
});
