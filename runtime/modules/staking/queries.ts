import type { StateReader } from "../../framework/state.ts";
import { CurrentSession, FinalityAuthorities, PlannedSets, stakingConfig } from "./storage.ts";
import type { FinalityAuthoritySet } from "./types.ts";

/**
 * The current session's validators with the stake they were elected with, in set order; empty on
 * a chain without staking. The rewards module can split the validators' pool by these weights.
 */
export function validatorStakes(state: StateReader): Array<[account: Uint8Array, stake: bigint]> {
  if (stakingConfig(state) === null) return [];
  const set = PlannedSets.get(state, CurrentSession.get(state)) ?? [];
  return set.map((v) => [v.account, v.stake]);
}

/** The finality set current in `state` (the finality gadget reads it at each block it imports); null without staking. */
export function currentFinalitySet(state: StateReader): FinalityAuthoritySet | null {
  return stakingConfig(state) === null ? null : FinalityAuthorities.get(state);
}
