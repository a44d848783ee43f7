import { compareBytes } from "../../../primitives/bytes.ts";
import type { IterableStateReader } from "../../framework/state.ts";
import { Candidates, Ledger } from "./storage.ts";
import type { ElectedValidator, StakingConfig } from "./types.ts";

/**
 * The validators for a future session: every candidate whose active bond reaches
 * `minValidatorBond`, by active bond descending, ties broken by account id ascending (so every
 * node elects the same list in the same order), at most `maxValidators` of them. The order is
 * the set's order: Aura slot order and finality signer indices.
 */
export function elect(state: IterableStateReader, config: StakingConfig): ElectedValidator[] {
  const eligible: ElectedValidator[] = [];
  for (const [key, raw] of state.entries(Candidates.prefix)) {
    const account = Candidates.decodeKey(key);
    const stake = Ledger.get(state, account)?.active ?? 0n;
    // `validate` and `unbond` keep every candidate at the minimum (a slash chills): this only
    // restates the rule where the set is chosen.
    if (stake < config.minValidatorBond) continue;
    eligible.push({ account, ...Candidates.decodeValue(raw), stake });
  }
  eligible.sort((a, b) => (a.stake !== b.stake ? (a.stake > b.stake ? -1 : 1) : compareBytes(a.account, b.account)));
  return eligible.slice(0, config.maxValidators);
}
