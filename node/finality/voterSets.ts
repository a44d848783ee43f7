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
