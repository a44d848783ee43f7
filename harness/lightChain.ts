/**
 * A chain of finalized blocks built in memory, for the light verifier's unit tests: real BLS
 * keys (signed with blst, as validators sign), real state tries holding the staking module's
 * `FinalityAuthorities` record (encoded by the runtime's own codec), headers, justifications and
 * finality proofs in the node's format. Nothing is faked: only the blocks are not executed.
 */
import { blsAggregateSignatures, blsKeypairFromSeed, blsSign, type BlsKeypair } from "../primitives/blsKeys.ts";
import { utf8 } from "../primitives/bytes.ts";
import { codecs, type Header, type Justification } from "../primitives/codec/index.ts";
import { finalityJustificationCodec, VoteStage, voteSigningRoot } from "../primitives/finality/vote.ts";
import { blake2b256 } from "../primitives/hash.ts";
import { keypairFromSeed } from "../primitives/keys/ed25519Sign.ts";
import { MemoryNodeStore } from "../primitives/trie/nodeStore.ts";
import { EMPTY_TRIE_ROOT, MerkleTrie } from "../primitives/trie/trie.ts";
import { encodeSigners } from "../primitives/finality/signerBitfield.ts";
import { BLS_FINALITY_ENGINE } from "../consensus/finality/justification.ts";
import { signInstantJustification } from "../consensus/instantFinality.ts";
import { FinalityAuthorities } from "../runtime/modules/staking/storage.ts";
import { finalitySetCodec } from "../runtime/modules/staking/types.ts";
import { FINALITY_PROOF_VERSION, finalityProofCodec, type Checkpoint, type FinalityProofFragment } from "../light/index.ts";

export const GENESIS_HASH = blake2b256(utf8("light-test-genesis"));
export const OTHER_GENESIS_HASH = blake2b256(utf8("another chain"));
/** Key of a second storage item in every block's state (a stand-in for a balance). */
export const SAMPLE_KEY = blake2b256(utf8("sample-key"));

export function validatorKey(i: number): BlsKeypair {
  return blsKeypairFromSeed(blake2b256(utf8(`light-validator-${i}`)));
}

export interface TestSet {
  setId: number;
  /** Validator indices (into `validatorKey`) and weights, in set order. */
  members: Array<{ validator: number; weight: bigint }>;
}

export interface TestBlock {
  header: Header;
  encoded: Uint8Array;
  hash: Uint8Array;
  trie: MerkleTrie;
}

/** A set's members as a checkpoint names them. */
export function checkpointOf(set: TestSet, genesisHash = GENESIS_HASH): Checkpoint {
  return { genesisHash, setId: set.setId, authorities: set.members.map((m) => ({ finalityKey: validatorKey(m.validator).publicKey, weight: m.weight })), instantAuthority: null };
}

/** A block whose state holds `set` as the current finality set and `sampleValue` under SAMPLE_KEY. */
export function makeBlock(number: number, parentHash: Uint8Array, set: TestSet, sampleValue: Uint8Array = utf8(`value at ${number}`), extra: ReadonlyArray<readonly [Uint8Array, Uint8Array]> = []): TestBlock {
  const trie = new MerkleTrie(EMPTY_TRIE_ROOT, new MemoryNodeStore());
  const record = {
    setId: set.setId,
    authorities: set.members.map((m) => ({ account: blake2b256(utf8(`account-${m.validator}`)), finalityKey: validatorKey(m.validator).publicKey, weight: m.weight })),
    changedAt: number,
    lastSession: set.setId,
  };
  trie.put(FinalityAuthorities.key, finalitySetCodec.encode(record));
  trie.put(SAMPLE_KEY, sampleValue);
  for (let i = 0; i < 40; i++) trie.put(blake2b256(utf8(`filler-${i}`)), utf8(`filler value ${i}`));
  for (const [key, value] of extra) trie.put(key, value);
  const { root } = trie.commit();
  const header: Header = { parentHash, number, stateRoot: root, extrinsicsRoot: new Uint8Array(32), digest: [], readingsRoot: new Uint8Array() };
  const encoded = codecs.header.encode(header);
  return { header, encoded, hash: blake2b256(encoded), trie };
}

/** The BLS justification of `block` by the set members at `signers` (indices into the set). */
export function justify(block: TestBlock, set: TestSet, signers: number[], opts: { genesisHash?: Uint8Array; round?: number; setId?: number } = {}): Justification {
  const vote = { setId: opts.setId ?? set.setId, round: opts.round ?? 1, stage: VoteStage.Precommit, targetHash: block.hash, targetNumber: block.header.number };
  const root = voteSigningRoot(opts.genesisHash ?? GENESIS_HASH, vote);
  const signatures = signers.map((i) => blsSign(validatorKey(set.members[i].validator).secretKey, root));
  const data = finalityJustificationCodec.encode({
    setId: vote.setId,
    round: vote.round,
    targetHash: vote.targetHash,
    targetNumber: vote.targetNumber,
    signers: encodeSigners(signers, set.members.length),
    signature: blsAggregateSignatures(signatures),
  });
  return { engine: BLS_FINALITY_ENGINE, data };
}

export function fragment(block: TestBlock, justification: Justification, withSetProof: boolean): FinalityProofFragment {
  return { header: block.encoded, justification: codecs.justification.encode(justification), setProof: withSetProof ? block.trie.prove([FinalityAuthorities.key]) : [] };
}

export function encodeProof(fragments: FinalityProofFragment[], complete = true, version = FINALITY_PROOF_VERSION): Uint8Array {
  return finalityProofCodec.encode({ version, fragments, complete });
}

export const everyone = (set: TestSet): number[] => set.members.map((_, i) => i);

/**
 * A chain with `sets.length - 1` set changes: block 10·k + 10 hands over from set k to set k+1,
 * and the target, 5 blocks after the last hand-over, is justified by the last set. Returns the
 * proof (every signer signs), the blocks and the sets. `targetState` adds entries to the target's state.
 */
export function chainWithSetChanges(sets: TestSet[], targetState: ReadonlyArray<readonly [Uint8Array, Uint8Array]> = []): { proof: Uint8Array; handovers: TestBlock[]; target: TestBlock; fragments: FinalityProofFragment[] } {
  const fragments: FinalityProofFragment[] = [];
  const handovers: TestBlock[] = [];
  let parent = GENESIS_HASH;
  for (let k = 0; k + 1 < sets.length; k++) {
    const block = makeBlock(10 * k + 10, parent, sets[k + 1]);
    handovers.push(block);
    fragments.push(fragment(block, justify(block, sets[k], everyone(sets[k])), true));
    parent = block.hash;
  }
  const last = sets[sets.length - 1];
  const target = makeBlock(10 * (sets.length - 1) + 5, parent, last, undefined, targetState);
  fragments.push(fragment(target, justify(target, last, everyone(last)), false));
  return { proof: encodeProof(fragments), handovers, target, fragments };
}

/** A dev-chain (instant finality) target and its checkpoint. */
export function instantChain(): { proof: Uint8Array; target: TestBlock; checkpoint: Checkpoint; seed: Uint8Array } {
  const seed = blake2b256(utf8("light-dev-authority"));
  const set: TestSet = { setId: 0, members: [{ validator: 0, weight: 1n }] };
  const target = makeBlock(7, GENESIS_HASH, set);
  const justification = signInstantJustification(seed, GENESIS_HASH, target.hash);
  const proof = encodeProof([{ header: target.encoded, justification: codecs.justification.encode(justification), setProof: [] }]);
  return { proof, target, checkpoint: { ...checkpointOf(set), instantAuthority: keypairFromSeed(seed).publicKey }, seed };
}
