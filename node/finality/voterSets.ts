import { toHex } from "../../primitives/bytes.ts";
import type { VoterSet, VoterSetProvider } from "../../consensus/finality/types.ts";
import { staking } from "../../runtime/api.ts";
import type { Chain } from "../chain/chain.ts";
import { FinalitySetError } from "./errors.ts";

/**
 * The finality set in the state after block `hash`: the set that votes on `hash`'s descendants.
 * The staking module writes a new set in the block that starts a session (`changedAt`), so the
 * state after that block already holds the set for the blocks after it. Null on a chain without
 * staking.
 */
export function finalitySetAt(chain: Chain, hash: Uint8Array): VoterSet | null {
  const set = staking.currentFinalitySet(chain.stateAt(hash));
  return set && { setId: set.setId, authorities: set.authorities.map((a) => ({ finalityKey: a.finalityKey, weight: a.weight })) };
}

/**
 * The gadget's `VoterSetProvider` over the staking module's storage. Not cached by set id: two
 * forks may elect different sets under one id, and reading one storage value per finalized
 * block costs nothing next to a round.
 */
export class StakingVoterSets implements VoterSetProvider {
  private readonly chain: Chain;

  constructor(chain: Chain) {
    this.chain = chain;
  }

  voterSetAt(blockHash: Uint8Array): VoterSet {
    const set = finalitySetAt(this.chain, blockHash);
    if (set === null) throw new FinalitySetError({ code: "NO_AUTHORITY_SET", hash: toHex(blockHash) }, "the chain has no staking: no finality authority set");
    return set;
  }
}

/**
 * The number of the first block on our best chain above the finalized head whose state names
 * another finality set than the finalized head's, or null when there is none: a hand-over this
 * node holds but has not finalized, so finality cannot move past it until the hand-over's
 * justification is applied (sync asks a peer that finalized past it: p2p/sync.ts). Set ids only
 * grow along a chain, so a binary search reads O(log n) states.
 */
export function pendingHandOver(chain: Chain): number | null {
  const current = finalitySetAt(chain, chain.finalized.hash);
  const setIdAt = (number: number): number | null => {
    const hash = chain.hashAt(number);
    return hash === undefined ? null : (finalitySetAt(chain, hash)?.setId ?? null);
  };
  if (current === null) return null;
  let lo = chain.finalized.number + 1;
  let hi = chain.best.number;
  if (lo > hi || setIdAt(hi) === current.setId) return null;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (setIdAt(mid) === current.setId) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
