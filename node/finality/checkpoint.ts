import { MemoryNodeStore } from "../../primitives/trie/nodeStore.ts";
import { MerkleTrie } from "../../primitives/trie/trie.ts";
import type { GenesisBlock } from "../../genesis/build.ts";
import type { Checkpoint } from "../../light/codec.ts";
import { aura, staking } from "../../runtime/api.ts";

/**
 * The genesis checkpoint of a chain spec's genesis block (docs/proofs.md, "Checkpoints"): its hash,
 * the staking module's genesis finality set (set 0) and, on a chain with a single Aura authority
 * (the dev chain, finalized by instant finality), that authority's key. Built from the spec the
 * user names, never from a node's answer: it is the verifier's trust anchor.
 */
export function genesisCheckpoint(genesis: GenesisBlock): Checkpoint {
  const store = new MemoryNodeStore();
  store.putNodes(genesis.trieNodes);
  const state = new MerkleTrie(genesis.header.stateRoot, store);
  const set = staking.currentFinalitySet(state);
  const authorities = aura.authorities(state);
  return {
    genesisHash: genesis.hash,
    setId: set?.setId ?? 0,
    authorities: (set?.authorities ?? []).map((a) => ({ finalityKey: a.finalityKey, weight: a.weight })),
    instantAuthority: authorities.length === 1 ? authorities[0] : null,
  };
}
