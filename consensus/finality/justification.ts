import { aggregatePublicKeys, fastAggregateVerify, Signature, type PublicKey } from "@chainsafe/blst";
import { utf8 } from "../../primitives/bytes.ts";
import { isCompressedPointEncoding, SIGNATURE_LENGTH } from "../../primitives/bls/encoding.ts";
import { blsAggregateSignatures, blsPublicKey } from "../../primitives/blsKeys.ts";
import { VoteStage, voteSigningRoot, type FinalityJustification, type SignedFinalityVote } from "../../primitives/finality/vote.ts";
import { decodeSigners, encodeSigners } from "../../primitives/finality/signerBitfield.ts";
import { JustificationError } from "./errors.ts";
import type { VoterSet } from "./types.ts";
import { isSupermajority, totalWeight } from "./weight.ts";

/** Engine id of BLS finality justifications in the chain's `Justification {engine, data}` records. */
export const BLS_FINALITY_ENGINE = utf8("bfin");

/**
 * Builds the justification of a round's precommits for one target: the aggregate of their
 * (already verified) signatures and the bitfield of their signers. All precommits must be for
 * the same (set, round, target).
 */
export function buildJustification(precommits: readonly SignedFinalityVote[], setSize: number): FinalityJustification {
  if (precommits.length === 0) throw new RangeError("a justification needs at least one precommit");
  const { setId, round, targetHash, targetNumber } = precommits[0].vote;
  return {
    setId,
    round,
    targetHash,
    targetNumber,
    signers: encodeSigners(
      precommits.map((p) => p.signer),
      setSize,
    ),
    signature: blsAggregateSignatures(precommits.map((p) => p.signature)),
  };
}

/**
 * Checks that a justification proves its target final under `voterSet`: the set id matches, the
 * bitfield is canonical for the set, the signers hold more than 2/3 of the weight, and the
 * aggregate signature is theirs over the precommit signing root (one FastAggregateVerify: the
 * finality keys proved possession at registration). Throws `JustificationError`; block import
 * and sync call it for every justification they receive.
 */
export function verifyJustification(j: FinalityJustification, voterSet: VoterSet, genesisHash: Uint8Array): void {
  if (j.setId !== voterSet.setId) throw new JustificationError({ code: "JUSTIFICATION_WRONG_SET", setId: j.setId, expectedSetId: voterSet.setId });
  const signers = decodeSigners(j.signers, voterSet.authorities.length);
  if (signers === null || signers.length === 0) {
    throw new JustificationError({ code: "JUSTIFICATION_BAD_BITFIELD", length: j.signers.length, expectedLength: Math.ceil(voterSet.authorities.length / 8) });
  }
  const total = totalWeight(voterSet);
  let weight = 0n;
  for (const i of signers) weight += voterSet.authorities[i].weight;
  if (!isSupermajority(weight, total)) throw new JustificationError({ code: "JUSTIFICATION_INSUFFICIENT_WEIGHT", weight, totalWeight: total });
  const message = voteSigningRoot(genesisHash, { setId: j.setId, round: j.round, stage: VoteStage.Precommit, targetHash: j.targetHash, targetNumber: j.targetNumber });
  if (!aggregateVerifies(message, signers.map((i) => voterSet.authorities[i].finalityKey), j.signature)) {
    throw new JustificationError({ code: "JUSTIFICATION_BAD_SIGNATURE" });
  }
}

function aggregateVerifies(message: Uint8Array, keys: Uint8Array[], signature: Uint8Array): boolean {
  const publicKeys = keys.map(blsPublicKey);
  if (!isCompressedPointEncoding(signature, SIGNATURE_LENGTH) || publicKeys.some((k) => k === null)) return false;
  try {
    return fastAggregateVerify(message, [aggregatePublicKeys(publicKeys as PublicKey[], false)], Signature.fromBytes(signature, true), true);
  } catch {
    return false;
  }
}
