import { DispatchError } from "../../framework/errors.ts";

export type BalancesErrorCode =
  | "InsufficientBalance" // free balance below the amount
  | "ExistentialDeposit" // the recipient would be created below the existential deposit
  | "Expendability" // keep-alive transfer would take the sender below the existential deposit
  | "InvalidAmount" // a negative amount, or one not minimally encoded
  | "InsufficientReserved"; // reserved balance below the amount to unreserve or repatriate

export class BalancesError extends DispatchError {
  constructor(code: BalancesErrorCode, data: Record<string, unknown> = {}) {
    super({ code, module: "balances", ...data });
  }
}
