import type { BlockContext } from "../../framework/module.ts";
import type { State } from "../../framework/state.ts";
import { getAccount, putAccount } from "../system/accounts.ts";
import { BalancesError } from "./errors.ts";
import { TotalIssuance } from "./storage.ts";
import { balancesEvents } from "./events.ts";

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
    balancesEvents.deposit(ctx, "DustLost", { account: from, amount: remaining });
    remaining = 0n;
  }
  const recipient = getAccount(ctx.state, to);
  if (recipient.free + recipient.reserved + amount < ed) throw new BalancesError("ExistentialDeposit", { amount, existentialDeposit: ed });
  const created = recipient.free + recipient.reserved === 0n;
  putAccount(ctx.state, from, { ...sender, free: remaining });
  putAccount(ctx.state, to, { ...recipient, free: recipient.free + amount });
  if (created) balancesEvents.deposit(ctx, "Endowed", { account: to, freeBalance: amount });
  balancesEvents.deposit(ctx, "Transfer", { from, to, amount });
}

/** Whether `amount` can be taken from `account`'s free balance leaving free + reserved at or above the existential deposit. */
export function canWithdrawKeepAlive(account: { free: bigint; reserved: bigint }, amount: bigint, existentialDeposit: bigint): boolean {
  return account.free >= amount && account.free - amount + account.reserved >= existentialDeposit;
}

/** Takes `amount` from `who`'s free balance, never below the existential deposit. Returns false if it cannot. */
export function withdrawKeepAlive(state: State, who: Uint8Array, amount: bigint, existentialDeposit: bigint): boolean {
  const account = getAccount(state, who);
  if (!canWithdrawKeepAlive(account, amount, existentialDeposit)) return false;
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

/**
 * Moves `amount` from `who`'s free balance to its reserved balance (an escrow held for a
 * module, Substrate's `reserve`). Total issuance is unchanged; fails if the free balance is short.
 */
export function reserve(ctx: BlockContext, who: Uint8Array, amount: bigint): void {
  if (amount < 0n) throw new BalancesError("InvalidAmount");
  if (amount === 0n) return;
  const account = getAccount(ctx.state, who);
  if (account.free < amount) throw new BalancesError("InsufficientBalance", { free: account.free, amount });
  putAccount(ctx.state, who, { ...account, free: account.free - amount, reserved: account.reserved + amount });
  balancesEvents.deposit(ctx, "Reserved", { who, amount });
}

/** Moves `amount` back from `who`'s reserved balance to its free balance; fails if less is reserved. */
export function unreserve(ctx: BlockContext, who: Uint8Array, amount: bigint): void {
  if (amount < 0n) throw new BalancesError("InvalidAmount");
  if (amount === 0n) return;
  const account = getAccount(ctx.state, who);
  if (account.reserved < amount) throw new BalancesError("InsufficientReserved", { reserved: account.reserved, amount });
  putAccount(ctx.state, who, { ...account, free: account.free + amount, reserved: account.reserved - amount });
  balancesEvents.deposit(ctx, "Unreserved", { who, amount });
}

/**
 * Pays `amount` out of `from`'s reserved balance into `to`'s free balance (Substrate's
 * `repatriate_reserved`, e.g. an escrowed fee paid to the party that earned it). Fails if less is
 * reserved, or if it would create `to` below the existential deposit.
 */
export function repatriateReserved(ctx: BlockContext, from: Uint8Array, to: Uint8Array, amount: bigint): void {
  if (amount < 0n) throw new BalancesError("InvalidAmount");
  if (amount === 0n) return;
  const source = getAccount(ctx.state, from);
  if (source.reserved < amount) throw new BalancesError("InsufficientReserved", { reserved: source.reserved, amount });
  if (Buffer.compare(from, to) === 0) {
    putAccount(ctx.state, from, { ...source, free: source.free + amount, reserved: source.reserved - amount });
  } else {
    const recipient = getAccount(ctx.state, to);
    const ed = ctx.config.existentialDeposit;
    if (recipient.free + recipient.reserved + amount < ed) throw new BalancesError("ExistentialDeposit", { amount, existentialDeposit: ed });
    putAccount(ctx.state, from, { ...source, reserved: source.reserved - amount });
    putAccount(ctx.state, to, { ...recipient, free: recipient.free + amount });
  }
  balancesEvents.deposit(ctx, "ReserveRepatriated", { from, to, amount });
}
