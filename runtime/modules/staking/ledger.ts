import type { BlockContext } from "../../framework/module.ts";
import { reserve, unreserve } from "../balances/currency.ts";
import { StakingError } from "./errors.ts";
import { Candidates, CurrentSession, Ledger } from "./storage.ts";
import type { StakingConfig, StakingLedger } from "./types.ts";
import { stakingEvents } from "./events.ts";

/**
 * Unlocking chunks a stash may have waiting at once (Substrate's `MaxUnlockingChunks`): bounds
 * the ledger's size, so the weight of every call that reads it, against a stash that unbonds
 * a little every block.
 */
export const MAX_UNLOCKING_CHUNKS = 32;

/** Everything the stash has bonded: what a slash is a percentage of. */
export function totalBonded(ledger: StakingLedger): bigint {
  return ledger.unlocking.reduce((sum, c) => sum + c.value, ledger.active);
}

/** `bond(amount)`: a new stash reserves `amount` of its free balance. */
export function bond(ctx: BlockContext, stash: Uint8Array, amount: bigint): void {
  if (Ledger.contains(ctx.state, stash)) throw new StakingError("AlreadyBonded");
  reserve(ctx, stash, amount);
  Ledger.set(ctx.state, stash, { active: amount, unlocking: [] });
  stakingEvents.deposit(ctx, "Bonded", { stash, amount });
}

/** `bondExtra(amount)`: adds to an existing bond. */
export function bondExtra(ctx: BlockContext, stash: Uint8Array, amount: bigint): void {
  const ledger = Ledger.get(ctx.state, stash);
  if (!ledger) throw new StakingError("NotBonded");
  reserve(ctx, stash, amount);
  Ledger.set(ctx.state, stash, { ...ledger, active: ledger.active + amount });
  stakingEvents.deposit(ctx, "Bonded", { stash, amount });
}

/**
 * `unbond(amount)`: moves `amount` out of the active bond into a chunk that `withdrawUnbonded`
 * releases `bondingPeriodSessions` sessions later; until then it stays reserved and slashable.
 * A candidate may not go below `minValidatorBond` (it chills first): every candidate keeps at
 * least that much at stake, so the candidates the session hook reads each session are bounded
 * by total issuance ÷ `minValidatorBond` — a candidate left with dust would stay in that list for
 * nothing, and a few bonded accounts could grow it without bound.
 */
export function unbond(ctx: BlockContext, config: StakingConfig, stash: Uint8Array, amount: bigint): void {
  const ledger = Ledger.get(ctx.state, stash);
  if (!ledger) throw new StakingError("NotBonded");
  if (amount > ledger.active) throw new StakingError("InsufficientBond", { active: ledger.active, amount });
  if (Candidates.contains(ctx.state, stash) && ledger.active - amount < config.minValidatorBond) {
    throw new StakingError("InsufficientBond", { active: ledger.active, amount, minValidatorBond: config.minValidatorBond });
  }
  if (ledger.unlocking.length >= MAX_UNLOCKING_CHUNKS) throw new StakingError("NoMoreChunks", { max: MAX_UNLOCKING_CHUNKS });
  const unlockSession = CurrentSession.get(ctx.state) + config.bondingPeriodSessions;
  Ledger.set(ctx.state, stash, { active: ledger.active - amount, unlocking: [...ledger.unlocking, { value: amount, unlockSession }] });
  stakingEvents.deposit(ctx, "Unbonded", { stash, amount, unlockSession });
}

/**
 * `withdrawUnbonded()`: releases every chunk whose session has come. A stash left with nothing
 * bonded loses its ledger (it cannot be a candidate: a candidate's active bond stays at
 * `minValidatorBond` or more).
 */
export function withdrawUnbonded(ctx: BlockContext, stash: Uint8Array): void {
  const ledger = Ledger.get(ctx.state, stash);
  if (!ledger) throw new StakingError("NotBonded");
  const session = CurrentSession.get(ctx.state);
  const ripe = ledger.unlocking.filter((c) => c.unlockSession <= session);
  if (ripe.length === 0) throw new StakingError("NothingToWithdraw", { session });
  const amount = ripe.reduce((sum, c) => sum + c.value, 0n);
  unreserve(ctx, stash, amount);
  const rest = { active: ledger.active, unlocking: ledger.unlocking.filter((c) => c.unlockSession > session) };
  if (totalBonded(rest) === 0n) Ledger.remove(ctx.state, stash);
  else Ledger.set(ctx.state, stash, rest);
  stakingEvents.deposit(ctx, "Withdrawn", { stash, amount });
}
