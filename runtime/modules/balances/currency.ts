import type { BlockContext } from "../../framework/module.ts";
import type { State } from "../../framework/state.ts";
import { getAccount, putAccount } from "../system/accounts.ts";
import { BalancesError } from "./errors.ts";
import { TotalIssuance } from "./storage.ts";

export type Existence = "keepAlive" | "allowDeath";

/**
 * Moves `amount` of free balance. With `allowDeath`, a sender left below the existential deposit
 * is reaped: its dust is burned (`DustLost`) so that total issuance stays the sum of balances.
 */
export function transfer(ctx: BlockContext, from: Uint8Array, to: Uint8Array, amount: bigint, existence: Existence): void {
  if (amount < 0n) throw new BalancesError("InvalidAmount");
  const ed = ctx.config.existentialDeposit;
  const sender = getAccount(ctx.state, from);
  if (sender.free < amount) throw new BalancesError("InsufficientBalance", { free: sender.free, amount });
  if (Buffer.compare(from, to) === 0 || amount === 0n) return;
  let remaining = sender.free - amount;
  if (remaining + sender.reserved < ed && remaining + sender.reserved > 0n) {
    if (existence === "keepAlive") throw new BalancesError("Expendability");
    burn(ctx.state, remaining);
    ctx.events.deposit("balances", "DustLost", { account: from, amount: remaining });
    remaining = 0n;
  }
  const recipient = getAccount(ctx.state, to);
  if (recipient.free + recipient.reserved + amount < ed) throw new BalancesError("ExistentialDeposit", { amount, existentialDeposit: ed });
  const created = recipient.free + recipient.reserved === 0n;
  putAccount(ctx.state, from, { ...sender, free: remaining });
  putAccount(ctx.state, to, { ...recipient, free: recipient.free + amount });
  if (created) ctx.events.deposit("balances", "Endowed", { account: to, freeBalance: amount });
  ctx.events.deposit("balances", "Transfer", { from, to, amount });
}

/** Takes `amount` from `who`'s free balance, never below the existential deposit. Returns false if it cannot. */
export function withdrawKeepAlive(state: State, who: Uint8Array, amount: bigint, existentialDeposit: bigint): boolean {
  const account = getAccount(state, who);
  if (account.free - amount + account.reserved < existentialDeposit || account.free < amount) return false;
  putAccount(state, who, { ...account, free: account.free - amount });
  return true;
}

/**
 * Credits `amount` that already exists in total issuance (a fee share, a tip). If that would
 * create an account below the existential deposit, the amount is burned instead.
 */
export function credit(state: State, who: Uint8Array, amount: bigint, existentialDeposit: bigint): void {
  if (amount === 0n) return;
  const account = getAccount(state, who);
  if (account.free + account.reserved + amount < existentialDeposit) {
    burn(state, amount);
    return;
  }
  putAccount(state, who, { ...account, free: account.free + amount });
}

/** Removes `amount` from total issuance (its balance must already have been taken away). */
export function burn(state: State, amount: bigint): void {
  TotalIssuance.set(state, TotalIssuance.get(state) - amount);
}

/** Creates new tokens in `who`'s free balance. */
export function mint(state: State, who: Uint8Array, amount: bigint): void {
  const account = getAccount(state, who);
  putAccount(state, who, { ...account, free: account.free + amount });
  TotalIssuance.set(state, TotalIssuance.get(state) + amount);
}
