import type { BlockContext } from "../../framework/module.ts";
import type { StateReader } from "../../framework/state.ts";
import { Authorities } from "../aura/storage.ts";
import { validatorStakes } from "../staking/queries.ts";
import { mintReward } from "./mintReward.ts";
import { ValidatorRewards } from "./storage.ts";
import { rewardsEvents } from "./events.ts";

/**
 * Who shares the validators' pool, and by what weight: the current session's set with the stake
 * it was elected with (staking's snapshot, so a bond changed mid-session counts from the next
 * election, as for finality weights). A chain without staking has no stake to weigh by: its
 * Aura authorities share equally — as does a set elected without any stake (`minValidatorBond` 0).
 */
function validatorWeights(state: StateReader): Array<[account: Uint8Array, weight: bigint]> {
  const stakes = validatorStakes(state);
  if (stakes.some(([, stake]) => stake > 0n)) return stakes;
  const accounts = stakes.length > 0 ? stakes.map(([account]) => account) : Authorities.get(state);
  return accounts.map((account) => [account, 1n]);
}

/**
 * Pays `epoch`'s validator pool at once (the set is small: at most staking's `maxValidators`),
 * `pool × weight / Σ weight` each, rounded down; returns what was paid. The rounding remainder and
 * any reward too small to open an account go to the treasury with the epoch's remainder.
 */
export function payValidators(ctx: BlockContext, epoch: number, pool: bigint): bigint {
  const weights = validatorWeights(ctx.state);
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0n);
  let paid = 0n;
  for (const [who, weight] of weights) {
    const amount = (pool * weight) / total;
    if (amount === 0n || !mintReward(ctx, who, amount)) continue;
    ValidatorRewards.set(ctx.state, epoch, who, (ValidatorRewards.get(ctx.state, epoch, who) ?? 0n) + amount);
    rewardsEvents.deposit(ctx, "Minted", { epoch, who, amount, kind: "validator" });
    paid += amount;
  }
  return paid;
}
